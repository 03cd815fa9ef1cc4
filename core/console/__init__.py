"""The admin area: the ``admin`` blueprint's shell, its forms, the site's own pages (settings, plugins, audit)
and the staff start page (``/admin/``, the operator's morning view built from counters core and plugins give).

Each feature puts its admin pages on the blueprint from its own ``admin`` module (``core.news.admin`` …).
"""
