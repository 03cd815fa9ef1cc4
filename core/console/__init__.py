"""The admin area's shell: the ``admin`` blueprint, its forms, and the site's own pages (settings, plugins, audit).

Each feature puts its admin pages on the blueprint from its own ``admin`` module (``core.news.admin`` …).
"""
