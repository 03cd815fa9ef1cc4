"""Benchmark 1: one charge to each of N personal accounts through ``ledger.post_transfers``.

Ours: what the daily charge run does, a :class:`~core.ledger.service.Transfer` per account, posted
1000 at a time (idempotency keys, payload hashes checked against existing keys, postings, balances).

Baseline: the same rows (one ledger transaction and two postings per account, the balances) written
by three plain set-based statements, ``INSERT … SELECT`` from the accounts table, in one transaction.
Memory: the peak RSS growth of the streaming run after N/10 accounts and after all N must be flat.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from datetime import UTC, datetime

from sqlalchemy import bindparam, select, text

from bench.database import BenchDatabase
from bench.report import PeakRSS, Result, cpu_clock, cpu_note, megabytes, progress, seconds
from bench.seed import reset_ledger
from core.db import session, tenant_scope
from core.db.base import UTCDateTime
from core.ledger import service as ledger
from core.ledger.models import PERSONAL, LedgerAccount

TIME_TARGET = 3.0
MEMORY_TARGET = 1.5
MEMORY_ALLOWANCE = 1024  # KB: below a megabyte of difference, RSS granularity and allocator reuse dominate
CHUNK = 1000
AMOUNT = 50_000  # 500 ₽
SERVICE = "internet"
PERIOD = "2026-02"
MEMO = "Internet, February 2026"
WHEN = datetime(2026, 2, 1, tzinfo=UTC)


def _account_chunks() -> Iterator[list[int]]:
    """Personal ledger account ids, 1000 at a time (keyset pagination: nothing accumulates)."""
    last = 0
    while True:
        ids = session.scalars(
            select(LedgerAccount.id)
            .where(LedgerAccount.kind == PERSONAL, LedgerAccount.id > last)
            .order_by(LedgerAccount.id)
            .limit(CHUNK)
        ).all()
        if not ids:
            return
        yield ids
        last = ids[-1]


def charge_batches(revenue_id: int) -> Iterator[list[ledger.Transfer]]:
    """The charge run's transactions, built lazily one batch of 1000 at a time."""
    for chunk in _account_chunks():
        yield [
            ledger.Transfer(
                f"charge:{account_id}:{SERVICE}:{PERIOD}",
                "charge",
                account_id,
                revenue_id,
                AMOUNT,
                SERVICE,
                PERIOD,
                WHEN,
                MEMO,
            )
            for account_id in chunk
        ]


def _revenue_account(db: BenchDatabase) -> int:
    with db.app.app_context(), tenant_scope(db.tenant_id):
        revenue = ledger.revenue_account(SERVICE).id
        session.commit()
        return revenue


def run_service(db: BenchDatabase, count: int, revenue_id: int) -> tuple[float, float | None, int, int]:
    """Seconds, CPU seconds, and peak RSS growth (KB) after N/10 accounts and after all of them."""
    with db.app.app_context(), tenant_scope(db.tenant_id):
        gc.collect()
        clock = cpu_clock(session.connection())
        peak = PeakRSS().start()
        early = None
        done = 0
        start = time.perf_counter()
        for batch in charge_batches(revenue_id):
            ledger.post_transfers(batch)
            done += len(batch)
            if early is None and done >= count // 10:
                early = peak.growth()
        session.commit()
        elapsed = time.perf_counter() - start
        cpu = clock.elapsed() if clock.complete else None
        total = peak.growth()
        peak.stop()
    return elapsed, cpu, early or 0, total


def _sql(statement: str):
    return text(statement).bindparams(bindparam("when", type_=UTCDateTime()))


def run_baseline(db: BenchDatabase, revenue_id: int) -> tuple[float, float | None]:
    """The same rows with plain ``INSERT … SELECT`` statements in one transaction (as the app role)."""
    params = {"t": db.tenant_id, "when": WHEN, "revenue": revenue_id, "amount": AMOUNT, "kind": PERSONAL}
    params |= {"prefix": "charge:", "suffix": f":{SERVICE}:{PERIOD}", "memo": MEMO, "service": SERVICE}
    params["period"] = PERIOD
    if db.name == "postgres":
        digest = "encode(sha256(convert_to('charge:' || a.id, 'UTF8')), 'hex')"
    else:
        digest = "lower(hex(randomblob(32)))"  # SQLite has no sha256(); same width
    start = time.perf_counter()
    with db.engine.begin() as conn:
        clock = cpu_clock(conn)
        if db.name == "postgres":
            conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(db.tenant_id)})
        conn.execute(
            _sql(
                "INSERT INTO ledger_transactions (tenant_id, idempotency_key, kind, payload_hash, memo, meta, "
                f"occurred_at, created_at, actor) SELECT :t, :prefix || a.id || :suffix, 'charge', {digest}, "
                ":memo, '{}', :when, :when, '' FROM ledger_accounts a WHERE a.tenant_id = :t AND a.kind = :kind"
            ),
            params,
        )
        conn.execute(
            _sql(
                "INSERT INTO postings (tenant_id, transaction_id, ledger_account_id, amount, kind, service, period, "
                "occurred_at) SELECT :t, x.id, a.id, -:amount, 'charge', :service, :period, :when "
                "FROM ledger_accounts a JOIN ledger_transactions x "
                "ON x.tenant_id = :t AND x.idempotency_key = :prefix || a.id || :suffix "
                "WHERE a.tenant_id = :t AND a.kind = :kind "
                "UNION ALL SELECT :t, x.id, :revenue, :amount, 'charge', :service, :period, :when "
                "FROM ledger_transactions x WHERE x.tenant_id = :t"
            ),
            params,
        )
        conn.execute(
            text("UPDATE ledger_accounts SET balance = balance - :amount WHERE tenant_id = :t AND kind = :kind"),
            params,
        )
        conn.execute(
            text(
                "UPDATE ledger_accounts SET balance = balance + :amount * "
                "(SELECT count(*) FROM ledger_transactions WHERE tenant_id = :t) WHERE id = :revenue"
            ),
            params,
        )
    elapsed = time.perf_counter() - start  # the connection went back to the pool: its server process lives on
    return elapsed, clock.elapsed() if clock.complete else None


def _check(db: BenchDatabase, count: int, revenue_id: int, who: str) -> None:
    """Both runs must leave the same ledger: 2N postings, every balance charged once."""
    with db.owner.connect() as conn:
        postings, total = conn.execute(text("SELECT count(*), coalesce(sum(amount), 0) FROM postings")).one()
        revenue = conn.execute(text("SELECT balance FROM ledger_accounts WHERE id = :r"), {"r": revenue_id}).scalar()
        charged = conn.execute(
            text("SELECT count(*) FROM ledger_accounts WHERE kind = 'personal' AND balance = :b"), {"b": -AMOUNT}
        ).scalar()
    if (postings, int(total), revenue, charged) != (2 * count, 0, count * AMOUNT, count):
        raise AssertionError(f"{who}: unexpected ledger ({postings} postings, revenue {revenue}, {charged} charged)")


def bench_charges(db: BenchDatabase, size: int) -> list[Result]:
    """Charge posting at N accounts (accounts exist before timing); time ratio and memory flatness."""
    revenue_id = _revenue_account(db)
    reset_ledger(db)
    progress(f"{db.name}: baseline INSERT … SELECT of {size:,} charges")
    baseline, baseline_cpu = run_baseline(db, revenue_id)
    _check(db, size, revenue_id, "baseline")
    reset_ledger(db)
    progress(f"{db.name}: post_transfers of {size:,} charges")
    ours, ours_cpu, early, total = run_service(db, size, revenue_id)
    _check(db, size, revenue_id, "post_transfers")
    ratio = ours / baseline
    memory_ratio = total / early if early else (1.0 if not total else float("inf"))
    flat = memory_ratio <= MEMORY_TARGET or total - early <= MEMORY_ALLOWANCE
    per_account = (total - early) * 1024 / (size - size // 10)
    return [
        Result(
            f"charge posting ({size:,} accounts)",
            db.name,
            seconds(ours),
            seconds(baseline),
            ratio,
            TIME_TARGET,
            ratio <= TIME_TARGET,
            f"{size / ours:,.0f} charges/s; {cpu_note(ours_cpu, baseline_cpu)}; peak RSS +{megabytes(total)}",
        ),
        Result(
            "charge posting peak RSS (N vs N/10)",
            db.name,
            megabytes(total),
            megabytes(early),
            memory_ratio,
            MEMORY_TARGET,
            flat,
            f"growth after {size:,} vs {size // 10:,} accounts: {per_account:+.1f} bytes/account "
            f"(a difference under {MEMORY_ALLOWANCE // 1024} MB also passes)",
        ),
    ]
