"""The plain bulk insert the baselines use: executemany on SQLite, one ``INSERT … SELECT FROM unnest``
of column arrays on PostgreSQL (a non-owner role cannot ``COPY`` into a table with row-level security).

The arrays go to the server as array literals (``{1,2,3}``), as the ledger's own bulk writes do: the
driver's element-by-element adaptation of Python lists costs more than the insert, and a baseline
must not be slower than it needs to be.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Connection


def _element(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime | date):
        return f'"{value.isoformat()}"'
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def array_literal(values: Iterable[Any]) -> str:
    """A PostgreSQL array literal of ``values`` (NULLs, numbers, dates and quoted text)."""
    return "{" + ",".join(map(_element, values)) + "}"


def insert_rows(conn: Connection, table: str, columns: dict[str, str], rows: list[tuple]) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``: name → PostgreSQL type) into ``table``."""
    names = ", ".join(columns)
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})", rows)
        return
    arrays = ", ".join(f"%s::{'text' if kind == 'json' else kind}[]" for kind in columns.values())
    values = ", ".join(f"u.{name}::json" if kind == "json" else f"u.{name}" for name, kind in columns.items())
    conn.exec_driver_sql(
        f"INSERT INTO {table} ({names}) SELECT {values} FROM unnest({arrays}) AS u({names})",
        tuple(array_literal(column) for column in zip(*rows, strict=True)),
    )
