"""Small query helpers shared by views."""

from __future__ import annotations

from typing import TypeVar

from flask import abort
from sqlalchemy import select

from core.db.session import session

MAX_ID = 2**31 - 1  # the largest PostgreSQL integer: the one bound on ids (core.web.bounds re-exports it)

M = TypeVar("M")


def get_or_404(model: type[M], object_id: int) -> M:
    """The object of the current tenant with this id, or a 404 (another tenant's object is not found)."""
    if not isinstance(object_id, int) or not 0 <= object_id <= MAX_ID:
        abort(404)
    obj = session.scalar(select(model).where(model.id == object_id))  # type: ignore[attr-defined]
    if obj is None:
        abort(404)
    return obj
