"""Small query helpers shared by views and bulk services."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TypeVar

from flask import abort
from sqlalchemy import any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql import ColumnElement

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


def one_of(column: Any, values: Sequence[int] | Sequence[str], name: str = "one_of") -> ColumnElement[bool]:
    """``column IN values`` with the whole list bound as one parameter: one short statement however long the list.

    For lists of hundreds or thousands of ids or keys (a registry chunk's accounts, a thousand users to
    notify): ``column.in_(values)`` renders and converts a parameter per value, which costs more than
    the query. PostgreSQL gets ``column = ANY(:array)``; SQLite reads the list from a JSON array
    (``json_each``). ``values`` are all ints or all strings; ``name`` tells two such lists in one
    statement apart. Example::

        session.scalars(select(User).where(one_of(User.id, user_ids)))
    """
    values = list(values)
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(name, values, type_=ARRAY(column.type)))
    each = func.json_each(bindparam(name, json.dumps(values))).table_valued("value")
    return column.in_(select(each.c.value))
