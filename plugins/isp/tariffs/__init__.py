"""Tariff and service changes: tariffs, add-ons and TV packages, and a legal entity's written application.

``options`` says which tariffs a contract may switch to, ``quote`` what a change would do or why
not, ``changes`` confirms, cancels and applies (with ``schedule`` writing it into the
subscriptions), ``addons`` connects and disconnects, ``applications`` sends a legal entity's
letter to support; ``refusals`` and ``notices`` are shared by them. ``views`` is the subscriber's
pages, ``admin`` the operator's direct change, ``api`` the mobile app's.
"""
