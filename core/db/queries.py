"""Small query helpers shared by views."""

from __future__ import annotations

from typing import TypeVar

from flask import abort
from sqlalchemy import select

from core.db.session import session

M = TypeVar("M")


def get_or_404(model: type[M], object_id: int) -> M:
    """The object of the current tenant with this id, or a 404 (another tenant's object is not found)."""
    obj = session.scalar(select(model).where(model.id == object_id))  # type: ignore[attr-defined]
    if obj is None:
        abort(404)
    return obj
