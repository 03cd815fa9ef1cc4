"""Counting the SQL statements a piece of code sends, for tests that keep a page's cost flat.

Usage::

    with counted_statements(app) as statements:
        client.get("/t/acme/money/")
    assert len(statements) <= 8, statements.report()
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event

#: Statements that only open or close a transaction. SQLite sends its ``BEGIN`` as a statement (the engine
#: emits it, for ``BEGIN IMMEDIATE``) while psycopg opens PostgreSQL's implicitly, unseen by the engine's
#: events; they are not counted on either, so the two databases are counted alike.
TRANSACTION_CONTROL = ("BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK")


class Statements(list[str]):
    """The statements seen, in order (an ``executemany`` counts once); :meth:`report` lists them for a failure."""

    def report(self) -> str:
        return "\n".join(f"{n:3}. {' '.join(sql.split())[:300]}" for n, sql in enumerate(self, 1))


@contextmanager
def counted_statements(app: Flask) -> Iterator[Statements]:
    """Record every statement ``app``'s engine sends inside the ``with`` block: queries and writes, savepoints
    included, but not the transaction control of :data:`TRANSACTION_CONTROL`."""
    statements = Statements()

    def seen(_conn, _cursor, statement, _params, _context, _many) -> None:
        if statement.strip().upper() not in TRANSACTION_CONTROL:
            statements.append(statement)

    engine = app.extensions["abonent.db"].engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", seen)
