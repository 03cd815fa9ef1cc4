"""Benchmark 3: importing a 100,000-line Sberbank-style registry vs bulk-inserting the same rows.

Ours: ``core.payments.registry.import_registry`` end to end (decode, parse and check every line,
match the accounts, post a ledger transaction per payment, insert the payments), then commit.
Baseline: the rows that import writes (ledger transactions, postings, payments; the balances),
prepared in memory before timing, written with executemany in one transaction as the app role,
and one set-based balance ``UPDATE``. (``COPY`` is not allowed into tables with row-level security
for a non-owner role.) One line in 100 names an unknown account and goes to suspense.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as day_time
from zoneinfo import ZoneInfo

from sqlalchemy import select, text

from bench.bulk import insert_rows
from bench.database import BenchDatabase
from bench.report import Result, cpu_clock, cpu_note, progress, seconds
from bench.seed import account_number, reset_ledger
from core.accounts.models import PersonalAccount
from core.db import session, tenant_scope
from core.ledger import service as ledger

TARGET = 3.0
PROVIDER = "sberbank"
PAID_ON = date(2026, 2, 1)
FIRST_PAYMENT_ID = 900_000_000
PAYER = "Иванов Иван Иванович"
ADDRESS = "г. Челябинск, ул. Примерная, 1-5"


def registry_module():
    """``core.payments.registry`` if it offers ``import_registry`` (it is being written), else ``None``."""
    try:
        module = importlib.import_module("core.payments.registry")
    except ImportError:
        return None
    return module if callable(getattr(module, "import_registry", None)) else None


def _rubles(kopecks: int) -> str:
    return f"{kopecks // 100}.{kopecks % 100:02d}"


def _line(i: int, accounts: int) -> tuple[str, str, int]:
    """Payment id, account number as the bank typed it, kopecks."""
    known = i % 100 != 99
    number = account_number(i % accounts + 1) if known else account_number(accounts + 1 + i)
    return str(FIRST_PAYMENT_ID + i), number, 10_000 + (i % 50) * 1_050


def make_registry(lines: int, accounts: int) -> bytes:
    """A cp1251 registry like the Sberbank sample: 12 columns per payment, then the totals line."""
    out = []
    total = 0
    for i in range(lines):
        payment_id, number, amount = _line(i, accounts)
        total += amount
        fee = amount // 100
        out.append(
            f"{PAID_ON:%d-%m-%Y};10-{i // 60 % 60:02d}-{i % 60:02d};8597;8597/0001;{payment_id};{number};{PAYER};"
            f"{ADDRESS};1126;{_rubles(amount)};{_rubles(amount - fee)};{_rubles(fee)}"
        )
    out.append(f"={lines};{_rubles(total)};{_rubles(total - total // 100)};{_rubles(total // 100)};12345;01-02-2026")
    return ("\n".join(out) + "\n").encode("cp1251")


@dataclass(frozen=True)
class Prepared:
    """One registry payment as rows to insert, everything known but the transaction id."""

    key: str
    amount: int
    target: int  # ledger account
    account_id: int | None
    number: str
    payment_id: str
    digest: str
    meta: str  # the transaction's
    line_meta: str  # the payment's
    status: str


def _prepare(db: BenchDatabase, lines: int, accounts: int, suspense: int) -> list[Prepared]:
    with db.app.app_context(), tenant_scope(db.tenant_id):
        known = dict(
            (number, (account_id, ledger_id))
            for number, account_id, ledger_id in session.execute(
                select(PersonalAccount.number, PersonalAccount.id, PersonalAccount.ledger_account_id)
            )
        )
    prepared = []
    for i in range(lines):
        payment_id, number, amount = _line(i, accounts)
        account_id, target = known.get(number, (None, suspense))
        key = f"registry:{PROVIDER}:{payment_id}"
        prepared.append(
            Prepared(
                key,
                amount,
                target,
                account_id,
                number,
                payment_id,
                hashlib.sha256(key.encode()).hexdigest(),
                json.dumps({"payment_order": key, "account_number": number}),
                json.dumps({"line": i + 1}),
                "posted" if account_id is not None else "suspense",
            )
        )
    return prepared


def _stamp(moment: datetime, dialect: str):
    """A timestamp as the driver gets it: SQLAlchemy's SQLite text format, or a datetime for psycopg."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") if dialect == "sqlite" else moment


TRANSACTION_COLUMNS = {
    "id": "int",
    "tenant_id": "int",
    "idempotency_key": "text",
    "kind": "text",
    "payload_hash": "text",
    "memo": "text",
    "meta": "json",
    "occurred_at": "timestamptz",
    "created_at": "timestamptz",
    "actor": "text",
}
POSTING_COLUMNS = {
    "tenant_id": "int",
    "transaction_id": "int",
    "ledger_account_id": "int",
    "amount": "bigint",
    "kind": "text",
    "occurred_at": "timestamptz",
}
PAYMENT_COLUMNS = {
    "tenant_id": "int",
    "channel": "text",
    "provider": "text",
    "order_id": "text",
    "external_id": "text",
    "personal_account_id": "int",
    "account_number": "text",
    "amount": "bigint",
    "status": "text",
    "payer": "text",
    "paid_at": "timestamptz",
    "created_at": "timestamptz",
    "posted_at": "timestamptz",
    "transaction_id": "int",
    "meta": "json",
}


def _transaction_ids(conn, count: int) -> list[int] | range:
    if conn.dialect.name == "postgresql":
        return (
            conn.execute(
                text("SELECT nextval(pg_get_serial_sequence('ledger_transactions', 'id')) FROM generate_series(1, :n)"),
                {"n": count},
            )
            .scalars()
            .all()
        )
    # BEGIN IMMEDIATE holds SQLite's write lock: nobody else can take these ids meanwhile
    first = conn.execute(text("SELECT coalesce(max(id), 0) FROM ledger_transactions")).scalar_one() + 1
    return range(first, first + count)


def run_baseline(db: BenchDatabase, prepared: list[Prepared], clearing: int) -> tuple[float, float | None, float]:
    """Seconds and CPU seconds for all rows, and seconds for the payments rows alone."""
    paid = _stamp(datetime.combine(PAID_ON, day_time(), ZoneInfo("Europe/Moscow")), db.name)
    t = db.tenant_id
    start = time.perf_counter()
    with db.engine.begin() as conn:
        clock = cpu_clock(conn)
        if db.name == "postgres":
            conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(t)})
        ids = _transaction_ids(conn, len(prepared))
        now = _stamp(datetime.now(UTC), db.name)
        transactions = [
            (i, t, p.key, "payment", p.digest, f"registry {PROVIDER} {p.payment_id}", p.meta, paid, now, "")
            for i, p in zip(ids, prepared, strict=True)
        ]
        insert_rows(conn, "ledger_transactions", TRANSACTION_COLUMNS, transactions)
        postings = [(t, i, p.target, p.amount, "payment", paid) for i, p in zip(ids, prepared, strict=True)]
        postings += [(t, i, clearing, -p.amount, "payment", paid) for i, p in zip(ids, prepared, strict=True)]
        insert_rows(conn, "postings", POSTING_COLUMNS, postings)
        payments_start = time.perf_counter()
        payments = [
            (
                t,
                "registry",
                PROVIDER,
                p.key,
                p.payment_id,
                p.account_id,
                p.number,
                p.amount,
                p.status,
                PAYER,
                paid,
                now,
                now,
                i,
                p.line_meta,
            )
            for i, p in zip(ids, prepared, strict=True)
        ]
        insert_rows(conn, "payments", PAYMENT_COLUMNS, payments)
        payments_only = time.perf_counter() - payments_start
        conn.execute(
            text(
                "UPDATE ledger_accounts SET balance = balance + s.total FROM (SELECT ledger_account_id AS id, "
                "sum(amount) AS total FROM postings WHERE tenant_id = :t GROUP BY ledger_account_id) AS s "
                "WHERE ledger_accounts.id = s.id"
            ),
            {"t": t},
        )
    elapsed = time.perf_counter() - start
    return elapsed, clock.elapsed() if clock.complete else None, payments_only


def run_import(db: BenchDatabase, data: bytes) -> tuple[float, float | None, int]:
    """Seconds and CPU seconds of the import and its commit, and the number of lines it imported."""
    module = registry_module()
    with db.app.app_context(), tenant_scope(db.tenant_id):
        clock = cpu_clock(session.connection())
        start = time.perf_counter()
        imported = module.import_registry(data, "sberbank-20260201.txt", "bench")
        session.commit()
        elapsed = time.perf_counter() - start
        return elapsed, clock.elapsed() if clock.complete else None, imported.lines


def _ledger_state(db: BenchDatabase) -> tuple:
    with db.owner.connect() as conn:
        return tuple(
            conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM postings), (SELECT count(*) FROM payments), "
                    "(SELECT sum(balance) FROM ledger_accounts WHERE kind = 'personal'), "
                    "(SELECT count(*) FROM payments WHERE status = 'suspense')"
                )
            ).one()
        )


def bench_registry(db: BenchDatabase, size: int) -> list[Result]:
    """A registry of N lines for the N existing accounts (1 % unknown), imported vs bulk-inserted."""
    if registry_module() is None:
        print(f"  registry import: skipped on {db.name}: core.payments.registry.import_registry is not there yet")
        return []
    with db.app.app_context(), tenant_scope(db.tenant_id):
        clearing, suspense = ledger.clearing_account(PROVIDER).id, ledger.suspense_account().id
        session.commit()
    data = make_registry(size, size)
    prepared = _prepare(db, size, size, suspense)
    reset_ledger(db)
    progress(f"{db.name}: baseline executemany of the rows of {size:,} registry payments")
    baseline, baseline_cpu, payments_only = run_baseline(db, prepared, clearing)
    expected = _ledger_state(db)
    reset_ledger(db)
    progress(f"{db.name}: import_registry of {size:,} lines ({len(data) / 1e6:.1f} MB)")
    ours, ours_cpu, lines = run_import(db, data)
    if _ledger_state(db) != expected or lines != size:
        raise AssertionError(f"registry import left {_ledger_state(db)} ({lines} lines), baseline {expected}")
    ratio = ours / baseline
    return [
        Result(
            f"registry import ({size:,} lines)",
            db.name,
            seconds(ours),
            seconds(baseline),
            ratio,
            TARGET,
            ratio <= TARGET,
            f"{size / ours:,.0f} lines/s; {cpu_note(ours_cpu, baseline_cpu)}; "
            f"baseline's payments rows alone {seconds(payments_only)}",
        )
    ]
