"""Benchmark 2: the balance read and the subscriber's balance page with 1,000 and 1,000,000 postings.

Two twin databases hold the same N accounts; in one the measured account has 1,000 postings, in the
other 10×N (1,000,000 at full size). Requests alternate between the twins, so a busy machine slows
both alike; the medians of many requests and the number of SQL statements must not grow.
"Dashboard" is what ``money.overview`` runs for a GET: load the account, then ``balance_view`` and
``operations(limit=10)``, in a request context with ``g.tenant`` set.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flask import g
from sqlalchemy import select

from bench.database import BenchDatabase, bench_database
from bench.report import Result, StatementCounter, progress, seconds
from bench.seed import add_history, create_accounts, reset_ledger
from core.accounts.models import PersonalAccount
from core.db import session, tenant_scope
from core.db.session import read_only_transactions
from core.ledger import service as ledger
from core.ledger.models import LedgerAccount
from core.money.figures import balance_view, operations
from core.tenants.models import Tenant

TARGET = 1.5
SMALL = 1000
REPETITIONS = 500
WARMUP = 50
TODAY = date(2026, 2, 1)


@dataclass
class Subject:
    """One twin: its database, tenant, the measured account and what was measured on it."""

    db: BenchDatabase
    tenant: Tenant
    account_id: int
    ledger_account: LedgerAccount
    counter: StatementCounter
    times: dict[str, list[float]] = field(default_factory=dict)
    counts: dict[str, set[int]] = field(default_factory=dict)


def _subject(db: BenchDatabase) -> Subject:
    with db.app.app_context(), tenant_scope(db.tenant_id):
        account = session.scalars(select(PersonalAccount).order_by(PersonalAccount.id).limit(1)).one()
        ledger_account = session.get(LedgerAccount, account.ledger_account_id)
        tenant = session.get(Tenant, db.tenant_id)
        session.expunge_all()
    return Subject(db, tenant, account.id, ledger_account, StatementCounter(db.engine))


def balance_read(subject: Subject) -> None:
    assert ledger.balance(subject.ledger_account) == subject.ledger_account.balance


def dashboard(subject: Subject) -> None:
    account = session.get(PersonalAccount, subject.account_id)
    view = balance_view(g.tenant, account, TODAY)
    recent = operations(account, limit=10)
    assert view.balance == subject.ledger_account.balance and len(recent) == 10


def _request(subject: Subject, name: str, work: Callable[[Subject], None], keep: bool) -> None:
    """One GET request's worth of ``work`` with a fresh session; timed without the context set-up."""
    app = subject.db.app
    with app.test_request_context("/money/"), read_only_transactions(), tenant_scope(subject.tenant.id):
        g.tenant = subject.tenant
        before = subject.counter.count
        start = time.perf_counter()
        work(subject)
        elapsed = time.perf_counter() - start
    if keep:
        subject.times.setdefault(name, []).append(elapsed)
        subject.counts.setdefault(name, set()).add(subject.counter.count - before)


def _measure(small: Subject, big: Subject) -> None:
    for name, work in (("balance read", balance_read), ("dashboard", dashboard)):
        for repetition in range(WARMUP + REPETITIONS):
            pair = (small, big) if repetition % 2 else (big, small)
            for subject in pair:
                _request(subject, name, work, keep=repetition >= WARMUP)


def _result(name: str, small: Subject, big: Subject, large: int) -> Result:
    time_small, time_big = statistics.median(small.times[name]), statistics.median(big.times[name])
    counts_small, counts_big = small.counts[name], big.counts[name]
    same = len(counts_small) == 1 and counts_small == counts_big
    statements = " / ".join(",".join(map(str, sorted(c))) for c in (counts_big, counts_small))
    ratio = time_big / time_small
    return Result(
        f"{name} ({large:,} vs {SMALL:,} postings)",
        big.db.name,
        seconds(time_big),
        seconds(time_small),
        ratio,
        TARGET,
        ratio <= TARGET and same,
        f"SQL statements {statements}" + ("" if same else " (differ!)") + f"; medians of {REPETITIONS}",
    )


def bench_reads(db: BenchDatabase, size: int) -> list[Result]:
    """``db`` (which holds N accounts) gets the long history; a twin database the short one."""
    large = max(10 * size, 2 * SMALL)
    reset_ledger(db)
    with bench_database(db.name) as twin:
        progress(f"{db.name}: twin database with {size:,} accounts and {SMALL:,} postings")
        create_accounts(twin, size)
        small, big = _subject(twin), _subject(db)
        add_history(twin, small.ledger_account.id, 1, SMALL)
        progress(f"{db.name}: inserting {large:,} postings on one account")
        add_history(db, big.ledger_account.id, 1, large)
        small, big = _subject(twin), _subject(db)  # with their balances after the history
        progress(f"{db.name}: balance read and dashboard, {REPETITIONS} requests each on each twin")
        with small.counter.installed(), big.counter.installed():
            _measure(small, big)
    return [_result(name, small, big, large) for name in ("balance read", "dashboard")]
