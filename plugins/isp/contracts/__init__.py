"""Contracts and their services: open one, find a subscriber's, the state of each service, debt blocking.

Its pages are the subscriber's services overview with the dashboard cards (``views``), the
operator's contract list and card (``admin``) and ``GET …/services`` in the API (``api``);
``api_scope`` resolves the account in every isp API path to its contract.
"""
