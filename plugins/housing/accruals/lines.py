"""Writing a chunk's accrual lines: one statement, the values converted once.

The billing run writes tens of thousands of lines a month; through the ORM (or a plain Core ``insert`` with a
list of dictionaries) every line's every value goes through its column type again, and every line's trace is
encoded as JSON, although the lines of one month share their period and moment and most share their trace (flats
of one size pay the same per m²). Here the period and the moment are converted once by their column types, each
trace object is encoded once, and the rows go to the driver as they are: a plain ``executemany`` on SQLite, one
``INSERT … SELECT FROM unnest(arrays)`` on PostgreSQL. Each statement names the tenant itself (row-level
security checks it on PostgreSQL).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, text

from core.api import current_tenant_id, session
from plugins.housing.models import Accrual

COLUMNS = "tenant_id, personal_account_id, service, period, amount, method, trace, ledger_key, created_at"


class Line(NamedTuple):
    """One account's line of one service: what :func:`write` needs besides the period and the moment."""

    account_id: int
    service: str
    amount: int
    method: str
    trace: dict
    ledger_key: str


def write(lines: Sequence[Line], period: date, moment: datetime) -> None:
    """Insert ``lines`` of ``period`` created at ``moment`` in the current tenant (the caller commits)."""
    if not lines:
        return
    connection = session.connection()
    dialect = connection.dialect
    table = Accrual.__table__
    encoded: dict[int, str] = {}

    def trace_text(trace: dict) -> str:
        found = encoded.get(id(trace))
        if found is None:
            found = encoded[id(trace)] = json.dumps(trace)
        return found

    tenant = current_tenant_id()
    if dialect.name == "sqlite":
        day = _converted(table.c.period.type, dialect, period)
        created = _converted(table.c.created_at.type, dialect, moment)
        connection.exec_driver_sql(
            f"INSERT INTO housing_accruals ({COLUMNS}) VALUES ({tenant:d}, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    line.account_id,
                    line.service,
                    day,
                    line.amount,
                    line.method,
                    trace_text(line.trace),
                    line.ledger_key,
                    created,
                )
                for line in lines
            ],
        )
        return
    accounts, services, amounts, methods, traces, keys = zip(*lines, strict=True)
    connection.execute(
        text(
            f"INSERT INTO housing_accruals ({COLUMNS}) "
            "SELECT :tenant, u.account, u.service, :period, u.amount, u.method, CAST(u.trace AS json), u.key, :created "
            "FROM unnest(CAST(:accounts AS integer[]), CAST(:services AS text[]), CAST(:amounts AS bigint[]), "
            "CAST(:methods AS text[]), CAST(:traces AS text[]), CAST(:keys AS text[])) "
            "AS u(account, service, amount, method, trace, key)"
        ).bindparams(
            bindparam("period", type_=table.c.period.type),
            bindparam("created", type_=table.c.created_at.type),
        ),
        {
            "tenant": tenant,
            "period": period,
            "created": moment,
            "accounts": list(accounts),
            "services": list(services),
            "amounts": list(amounts),
            "methods": list(methods),
            "traces": [trace_text(trace) for trace in traces],
            "keys": list(keys),
        },
    )


def _converted(type_: Any, dialect: Any, value: Any) -> Any:
    """``value`` as the column type hands it to the driver."""
    processor = type_.dialect_impl(dialect).bind_processor(dialect)
    return processor(value) if processor else value
