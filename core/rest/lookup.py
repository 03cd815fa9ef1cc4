"""Shared pieces of the JSON API modules: the bearer security note and the object-first lookup."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort

from core.access.guard import current_principal

BEARER = [{"bearer": []}]


def found_first(param: str, lookup: Callable[[Any, int], Any], *, as_kwarg: str | None = None):
    """Find the URL's object for the caller before flask-smorest reads the body.

    Another user's, another tenant's or an unknown id therefore answers 404, never 422 for the body.
    ``lookup(user, object_id)`` returns the object or ``None`` (or aborts itself). With ``as_kwarg``
    the view receives the object under that name instead of the id.
    """

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            found = lookup(current_principal(), kwargs[param])
            if found is None:
                abort(404)
            if as_kwarg is not None:
                del kwargs[param]
                kwargs[as_kwarg] = found
            return view(*args, **kwargs)

        return wrapped

    return decorate
