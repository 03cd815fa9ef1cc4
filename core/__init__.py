"""Abonent core: tenants, identity, roles, plugin machinery, web shell, API and CLI.

Core never imports ``plugins``: verticals reach core only through the hookspecs in
:mod:`core.plugins.hookspecs` and the public surface re-exported by :mod:`core.api`.
"""

__version__ = "0.3.0"
