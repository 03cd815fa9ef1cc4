"""Voluntary block ("добровольная блокировка"): the subscriber freezes every service for a period.

``rules`` reads the tenant's limits, ``quote`` says what a block would do or why not, ``service``
starts, ends and cancels one, ``status`` moves it along its dates, ``notices`` tells the
subscriber; ``views`` is the subscriber's page, ``admin`` the operator's, ``api`` the mobile app's.
"""
