"""Keyset pages on the web: the cursor from the query string, and the links of the ``pager`` macro.

A list view calls :func:`requested_page` for the ``after``/``before`` cursors and passes them to
:func:`core.db.keyset.keyset_page`; its template shows ``{{ pager(page) }}`` (from ``macros.html``), whose
links keep every other argument of the query (filters, search) and work without JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for

CURSOR_ARGS = ("after", "before")


@dataclass(frozen=True)
class RequestedPage:
    """The cursors a list's link carried (``None`` on the first page)."""

    after: str | None
    before: str | None


def requested_page() -> RequestedPage:
    """The ``after``/``before`` cursors of the current request's query string."""
    return RequestedPage(request.args.get("after") or None, request.args.get("before") or None)


def page_url(cursor_arg: str | None = None, cursor: str | None = None) -> str:
    """The current page's address with its query kept and the cursor replaced (none: the first page)."""
    args = {key: values for key, values in request.args.lists() if key not in CURSOR_ARGS and key != "page"}
    if cursor_arg in CURSOR_ARGS and cursor:
        args[cursor_arg] = [cursor]
    return url_for(request.endpoint or "web.dashboard", **(request.view_args or {}), **args)
