"""Keyset pagination: one page of a list that can grow without bound, with the total, in two statements.

``OFFSET`` reads and throws away every row before the page, so page 2,000 of a statement costs 2,000 pages. A keyset
page starts where the last one ended instead: ``WHERE (occurred_at, id) < (:last_occurred_at, :last_id)`` walks the
index from there, and the first page of 100,000 rows costs what the first page of 100 does.

A page is addressed by a *cursor*: the sort keys of the row it starts after (``after``) or ends before
(``before``), plus that row's position in the list (for "rows 51–100 of 1,234"), encoded for a URL. A cursor a
person mangled is ignored (the first page is shown), never an error. :func:`keyset_page` reads one page;
:mod:`core.web.pagination` reads the cursor from the query string and the ``pager`` macro draws the links.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, TypeDecorator, and_, func, literal, or_, tuple_
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import ColumnElement, UnaryExpression

from core.db.session import session

Row = TypeVar("Row")

MAX_KEY_LENGTH = 1000  # the longest text key (names and addresses are up to 500 characters)
MAX_CURSOR_LENGTH = 4 * MAX_KEY_LENGTH  # a cursor is a few keys: anything longer is not one of ours


@dataclass(frozen=True)
class Cursor:
    """Where a page starts or ends: the boundary row's sort keys and its position (0-based) in the whole list."""

    keys: tuple[Any, ...]
    position: int

    def encode(self) -> str:
        """The cursor as a short URL-safe text (base64 of a small JSON document)."""
        document = {"k": [_tag(value) for value in self.keys], "n": self.position}
        data = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
        return base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str | None, width: int) -> Cursor | None:
        """The cursor in ``text`` with ``width`` keys, or ``None`` when it is missing or not one of ours."""
        if not text or len(text) > MAX_CURSOR_LENGTH or not text.isascii():
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
            keys = tuple(_untag(value) for value in data["k"])
            position = data["n"]
        except (ValueError, TypeError, KeyError, binascii.Error):
            return None
        if len(keys) != width or type(position) is not int or position < 0:
            return None
        return cls(keys, position)


def _tag(value: Any) -> list:
    if isinstance(value, datetime):
        return ["t", value.isoformat()]
    if isinstance(value, date):
        return ["d", value.isoformat()]
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"a keyset key must be an int, a str, a date or an aware datetime, not {value!r}")
    return ["i" if isinstance(value, int) else "s", value]


def _untag(tagged: Any) -> Any:
    kind, value = tagged
    if kind == "t":
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError("a naive datetime")
        return moment
    if kind == "d":
        return date.fromisoformat(value)
    if kind == "i" and type(value) is int and abs(value) < 2**63:  # fits a BIGINT
        return value
    if kind == "s" and isinstance(value, str) and len(value) <= MAX_KEY_LENGTH:
        return value
    raise ValueError(f"not a key: {tagged!r}")


@dataclass(frozen=True)
class KeysetPage(Generic[Row]):
    """One page of a list: its ``rows``, how many rows the whole list has, and the cursors of its neighbours.

    ``next_cursor`` goes in ``?after=`` and ``previous_cursor`` in ``?before=`` (``None``: no such page);
    ``start`` is the position of the first row in the whole list (0 on the first page).
    """

    rows: list[Row]
    total: int
    start: int = 0
    next_cursor: str | None = None
    previous_cursor: str | None = None
    size: int = 50

    @property
    def first_number(self) -> int:
        """The 1-based number of the first row shown (0 when the page is empty)."""
        return self.start + 1 if self.rows else 0

    @property
    def last_number(self) -> int:
        return self.start + len(self.rows)

    @property
    def is_first(self) -> bool:
        return self.previous_cursor is None

    def map(self, convert: Callable[[Row], Any]) -> KeysetPage:
        """The same page with each row converted (a result row to the value a template shows)."""
        return KeysetPage(
            [convert(row) for row in self.rows],
            self.total,
            self.start,
            self.next_cursor,
            self.previous_cursor,
            self.size,
        )


def _column(key: ColumnElement) -> tuple[ColumnElement, bool]:
    """A key as (column, descending): ``Posting.id`` is ascending, ``Posting.id.desc()`` descending."""
    if isinstance(key, UnaryExpression) and key.modifier in (operators.desc_op, operators.asc_op):
        return key.element, key.modifier is operators.desc_op
    return key, False


def _beyond(keys: Sequence[tuple[ColumnElement, bool]], values: tuple[Any, ...], forward: bool):
    """Rows after ``values`` in the list's order (``forward``) or before them."""
    if len({descending for _column, descending in keys}) == 1:
        smaller = keys[0][1] == forward
        left = tuple_(*(column for column, _descending in keys))
        right = tuple_(*(literal(value, type_=column.type) for (column, _d), value in zip(keys, values, strict=True)))
        return left < right if smaller else left > right
    # Mixed directions (largest amount first, then by id): (a < x) OR (a = x AND b > y) …
    either = []
    for index, (column, descending) in enumerate(keys):
        same = [keys[j][0] == values[j] for j in range(index)]
        either.append(and_(*same, column < values[index] if descending == forward else column > values[index]))
    return or_(*either)


def _count_of(stmt: Select) -> Select:
    """How many rows ``stmt`` has: its own FROM and WHERE with a count for columns (a subquery would escape the
    tenant filter). Where it selects an entity first, the count names that entity's key, so the statement stays
    an ORM one and gets the tenant filter as its page does; a bare ``count(*)`` has its tables rewritten, which
    costs more than the count on a small list."""
    # the first thing selected, read off its annotation (``column_descriptions`` would describe every column)
    first = stmt._raw_columns[0]._annotations.get("parententity") if stmt._raw_columns else None
    if first is not None and first.is_mapper:  # the rows' own entity (not an alias): its key is never NULL
        key = first.get_property_by_column(first.primary_key[-1]).key
        counted = func.count(getattr(first.class_, key))
    else:
        counted = func.count()
    return stmt.with_only_columns(counted, maintain_column_froms=True).order_by(None)


def keyset_page(
    stmt: Select,
    keys: Sequence[ColumnElement],
    key_of: Callable[[Any], tuple[Any, ...]] | None = None,
    *,
    size: int,
    after: str | None = None,
    before: str | None = None,
    total: int | None = None,
) -> KeysetPage:
    """One page of ``stmt`` in the order of ``keys``, and the total.

    ``keys`` are the ``ORDER BY`` terms, ``Posting.occurred_at.desc()`` or ``PersonalAccount.number`` (ascending),
    ending in a unique one (an id) so that no two rows tie; they must be NOT NULL columns (a ``SortOrder``'s
    ``columns`` fit). ``stmt`` is the list's query with its filters but without ``ORDER BY``/``LIMIT``;
    an entity selected first is the one the rows are of (not the right side of an outer join): the count names
    its key. ``key_of(row)`` gives a result row's values of the keys' columns; without it the key columns are
    added to the end of each row (``row[0]`` is still the first thing selected) and read from there.
    ``after``/``before`` are cursors from an earlier page (``after`` wins when both are given); none, or one that
    does not decode, gives the first page.
    ``total`` skips the count when the caller knows it. Two statements: ``count(*)`` and the page (three when a
    ``before`` cursor reaches the start of the list).
    """
    if total is None:
        total = session.scalar(_count_of(stmt)) or 0
    columns = [_column(key) for key in keys]
    if key_of is None:
        stmt = stmt.add_columns(*(column for column, _descending in columns))
        width = len(columns)

        def key_of(row) -> tuple[Any, ...]:
            return tuple(row[-width:])

    forward_cursor = _fitting(Cursor.decode(after, len(columns)), columns)
    backward_cursor = None if forward_cursor is not None else _fitting(Cursor.decode(before, len(columns)), columns)
    ordered = [column.desc() if descending else column.asc() for column, descending in columns]
    if backward_cursor is not None:
        reverse = [column.asc() if descending else column.desc() for column, descending in columns]
        found = list(
            session.execute(
                stmt.where(_beyond(columns, backward_cursor.keys, forward=False)).order_by(*reverse).limit(size + 1)
            )
        )
        if len(found) > size:
            rows = list(reversed(found[:size]))
            start = max(backward_cursor.position - size, 1)
            return _page(rows, total, start, key_of, size, has_next=True, has_previous=True)
        # Back at the start of the list: show the whole first page (rows may have come or gone meanwhile).
    position = 0
    stmt_page = stmt.order_by(*ordered).limit(size + 1)
    if forward_cursor is not None:
        stmt_page = stmt_page.where(_beyond(columns, forward_cursor.keys, forward=True))
        position = forward_cursor.position + 1
    found = list(session.execute(stmt_page))
    return _page(found[:size], total, position, key_of, size, has_next=len(found) > size, has_previous=position > 0)


def _fitting(cursor: Cursor | None, columns: Sequence[tuple[ColumnElement, bool]]) -> Cursor | None:
    """``cursor`` if each of its keys has its column's Python type (PostgreSQL refuses ``id < 'x'``), else ``None``."""
    if cursor is None:
        return None
    for value, (column, _descending) in zip(cursor.keys, columns, strict=True):
        type_ = column.type.impl_instance if isinstance(column.type, TypeDecorator) else column.type
        try:
            wanted = type_.python_type
        except NotImplementedError:
            continue
        if not isinstance(value, wanted) or (wanted is date and isinstance(value, datetime)):
            return None
    return cursor


def _page(
    rows: list, total: int, start: int, key_of: Callable, size: int, *, has_next: bool, has_previous: bool
) -> KeysetPage:
    next_cursor = previous_cursor = None
    if rows and has_next:
        next_cursor = Cursor(tuple(key_of(rows[-1])), start + len(rows) - 1).encode()
    if rows and has_previous:
        previous_cursor = Cursor(tuple(key_of(rows[0])), start).encode()
    return KeysetPage(rows, max(total, start + len(rows)), start, next_cursor, previous_cursor, size)
