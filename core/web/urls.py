"""Safe redirects inside the current tenant's site."""

from __future__ import annotations

from flask import request, url_for


def safe_next(target: str | None, default_endpoint: str = "web.dashboard") -> str:
    """``target`` is a path inside this site (without the ``/t/<slug>`` prefix); anything else goes home.

    Control characters (a newline, a tab) are refused too: they cannot be part of a redirect.
    """
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and target.isprintable()  # a newline would split the Location header
    ):
        return request.script_root + target
    return url_for(default_endpoint)
