"""The plain bulk insert the baselines use: executemany on SQLite, one ``INSERT … SELECT FROM unnest``
of column arrays on PostgreSQL (a non-owner role cannot ``COPY`` into a table with row-level security).
"""

from __future__ import annotations

from sqlalchemy.engine import Connection


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
        tuple(list(column) for column in zip(*rows, strict=True)),
    )
