"""Counting the SQL statements a request runs, for tests that fail when a page grows a query per row.

    from core.testing.statements import count_statements

    with count_statements(app) as statements:
        client.get(url)
    assert len(statements) <= 12, statements.text()

Counts every statement sent to the app's engine (``before_cursor_execute``) but the ones that open or close a
transaction: ``BEGIN``/``COMMIT`` (SQLite's ``BEGIN IMMEDIATE`` is sent by the app, PostgreSQL's by the driver)
and PostgreSQL's ``set_config`` of the tenant scope at each transaction's start, so a count is the same on both
databases and does not depend on whether the code before the block committed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event

_TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "SELECT SET_CONFIG('APP.TENANT_ID'")


class Statements(list[str]):
    """The statements run inside a :func:`count_statements` block, in order."""

    def text(self) -> str:
        """All statements, numbered, for an assertion message."""
        return "\n".join(f"{number}. {statement}" for number, statement in enumerate(self, 1))


@contextmanager
def count_statements(app: Flask) -> Iterator[Statements]:
    """Record the SQL statements ``app`` runs inside the block (transaction control left out)."""
    statements = Statements()

    def record(_conn, _cursor, statement, _params, _context, _many) -> None:
        if not statement.lstrip().upper().startswith(_TRANSACTION_CONTROL):
            statements.append(statement)

    engine = app.extensions["abonent.db"].engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
