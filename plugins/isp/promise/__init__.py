"""Promised payment: a temporary credit that restores blocked services at once.

``rules`` decides (a pure function), ``service`` gathers the facts, grants, settles and runs the
job; ``views`` is the subscriber's page, ``admin`` the operator's list, ``api`` the mobile app's.
"""
