"""Insert many rows with one driver-level statement, for bulk writes (a registry import's notices, e-mails, payments).

SQLAlchemy's ``session.execute(table.insert(), [dict, …])`` processes every parameter of every row in
Python; for tens of thousands of rows that costs more than the database's work. :func:`insert_rows`
converts each column's values with the column type's own conversion (once per distinct value where it
can), then sends one ``executemany`` on SQLite, or one ``INSERT … SELECT FROM unnest(arrays)`` on
PostgreSQL with each column as one array literal (the driver's element-by-element adaptation of a list
costs more than the insert; ``COPY`` is not allowed into tables with row-level security for the app role).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Table, text

from core.db.session import session
from core.db.tenancy import current_tenant_id


def insert_rows(table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ``rows`` (tuples of values in the order of ``columns``) into ``table`` in the session's transaction.

    Values are what the ORM takes (aware datetimes, dicts for JSON columns, ``None`` for NULL).
    Columns left out get their scalar or callable default once for the whole statement (a callable
    default such as ``utcnow`` gives every row the same moment), or the database's. A table with
    ``tenant_id`` gets the current tenant's when the column is not given; rows that name another
    tenant are refused by row-level security on PostgreSQL, as for any insert. No ORM events run and
    no objects are created. Returns how many rows were inserted.
    """
    rows = list(rows)
    if not rows:
        return 0
    dialect = session.get_bind().dialect
    names = list(columns)
    extra = _defaults(table, names)
    names += list(extra)
    width = len(columns)
    if any(len(row) != width for row in rows):
        raise ValueError(f"every row has {width} values, one per column")
    converters = [_converter(table.c[name], dialect) for name in names]
    listed = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
    if dialect.name == "sqlite":
        marks = ", ".join("?" * len(names))
        session.connection().exec_driver_sql(
            f"INSERT INTO {table.name} ({listed}) VALUES ({marks})", _row_params(rows, converters, extra)
        )
        return len(rows)
    values = [[row[i] for row in rows] if i < width else [extra[name]] * len(rows) for i, name in enumerate(names)]
    arrays = ", ".join(
        f"CAST(:c{i} AS {table.c[name].type.compile(dialect=dialect)}[])" for i, name in enumerate(names)
    )
    session.execute(
        text(f"INSERT INTO {table.name} ({listed}) SELECT * FROM unnest({arrays})"),
        {
            f"c{i}": _array(column if convert is _same else map(convert, column))
            for i, (column, convert) in enumerate(zip(values, converters, strict=True))
        },
    )
    return len(rows)


def _row_params(rows: list[Sequence[Any]], converters: list[Callable[[Any], Any]], extra: dict[str, Any]) -> list:
    """The rows as the driver takes them: converted where a column's type converts, defaults appended."""
    width = len(rows[0])
    tail = tuple(convert(value) for convert, value in zip(converters[width:], extra.values(), strict=True))
    todo = [(i, convert) for i, convert in enumerate(converters[:width]) if convert is not _same]
    if not todo:
        return [(*row, *tail) for row in rows] if tail else rows
    params = []
    for row in rows:
        row = list(row)
        for i, convert in todo:
            row[i] = convert(row[i])
        params.append((*row, *tail))
    return params


def _defaults(table: Table, given: list[str]) -> dict[str, Any]:
    """The values of the columns left out that have a Python-side default (and ``tenant_id``), evaluated once."""
    found: dict[str, Any] = {}
    for column in table.columns:
        if column.name in given:
            continue
        if column.name == "tenant_id":
            tenant_id = current_tenant_id()
            if tenant_id is None:
                raise RuntimeError(f"rows of {table.name} are inserted inside a tenant scope")
            found[column.name] = tenant_id
        elif column.default is not None and column.default.is_scalar:
            found[column.name] = column.default.arg
        elif column.default is not None and column.default.is_callable:
            found[column.name] = column.default.arg(None)
    return found


def _converter(column, dialect) -> Callable[[Any], Any]:
    """The column type's bind conversion (JSON dumped to text), cached per distinct value where values hash."""
    if isinstance(column.type, JSON):
        return lambda value: None if value is None else json.dumps(value)
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return _same
    cache: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        if value is None:
            return None
        try:
            return cache[value]
        except KeyError:
            cache[value] = converted = process(value)
            return converted
        except TypeError:  # unhashable
            return process(value)

    return convert


def _same(value: Any) -> Any:
    return value


def _element(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _array(values: Iterable[Any]) -> str:
    """A PostgreSQL array literal of ``values`` (NULLs, booleans, numbers, timestamps and quoted text)."""
    return "{" + ",".join(map(_element, values)) + "}"
