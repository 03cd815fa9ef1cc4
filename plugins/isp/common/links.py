"""Links to pages that may not exist: other isp features are optional, and a missing one must not break a page."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for


def optional_url(endpoint: str, **values: Any) -> str | None:
    """``url_for(endpoint, **values)``, or ``None`` when no view answers ``endpoint`` in this app."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)
