"""Safe redirects inside the current tenant's site: the one check for every ``next``."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import request, url_for

_BROWSER_DROPS = re.compile(r"[\t\n\r]")  # browsers remove these anywhere in a URL before parsing it
_CONTROL = re.compile(r"[\x00-\x20\x7f]")  # a control character or a space left over: refuse


def same_site_path(target: str | None) -> str | None:
    """``target`` as a path inside this site (``/news?page=2``), or ``None`` when it could leave it.

    The value is read the way a browser reads a ``Location``: tabs and line breaks are dropped and
    backslashes count as slashes. Only an absolute path is accepted — no scheme, no host, no
    ``//`` (a host for the browser), no control characters or spaces.
    """
    if not target:
        return None
    path = _BROWSER_DROPS.sub("", target).replace("\\", "/")
    if not path.startswith("/") or path.startswith("//") or _CONTROL.search(path):
        return None
    parts = urlsplit(path)
    if parts.scheme or parts.netloc:
        return None
    return path


def safe_next(target: str | None, default_endpoint: str = "web.dashboard") -> str:
    """Where to go after a form: ``target`` (a path without the ``/t/<slug>`` prefix) if it stays on
    this site, else ``default_endpoint``."""
    path = same_site_path(target)
    if path is not None:
        return request.script_root + path
    return url_for(default_endpoint)
