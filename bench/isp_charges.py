"""Benchmark: the isp plugin's daily charge run for N subscribers with two services each.

* Time: :func:`plugins.isp.charging.service.charge_until` for one day (select what is due per chunk, post
  through ``ledger.post_transfers``, mark ``charged_through``, commit per chunk, then the debt-block
  pass) against a baseline of plain set-based SQL writing the same charges — one ledger transaction
  and two postings per subscription, and the balances — with ``INSERT … SELECT`` in one transaction.
  The baseline does not mark subscriptions charged nor look for debtors: it is the floor.
* Re-run: a second run for the same day posts nothing; its time against the first run's.
* Memory: peak RSS growth of the run after N/10 subscribers and after all N must be flat.

The data: N contracts (the personal accounts the runner created), each with an internet and a TV
tariff. One subscriber in a thousand has no money and is blocked after the charge, one in a hundred
gets close to a low balance; the rest have plenty. Balances are seeded without postings (the
ledger's balance check is not part of this benchmark).
"""

from __future__ import annotations

import gc
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import bindparam, text

from bench.database import BenchDatabase
from bench.report import PeakRSS, Result, cpu_clock, cpu_note, megabytes, progress, seconds
from bench.seed import CREATED, analyze, reset_ledger
from core.db import session, tenant_scope
from core.db.base import UTCDateTime

TIME_TARGET = 3.0
RERUN_TARGET = 0.20
MEMORY_TARGET = 1.5
MEMORY_ALLOWANCE = 1024  # KB: below a megabyte of difference, RSS granularity and allocator reuse dominate
DAY = date(2026, 2, 5)
STARTED = date(2026, 1, 1)
# code, kind, monthly fee
PRODUCTS = (("inet100", "internet", 50_000), ("tvbase", "tv", 30_000))
RICH = 10_000_000  # kopecks: lasts for years
LOW = 5_000  # about two days of both services: a low-balance reminder
DEBTOR_EVERY = 1000  # balance 0: in debt after the charge, blocked
LOW_EVERY = 100


def _seed_isp(db: BenchDatabase) -> tuple[dict[str, int], dict[str, int]]:
    """Enable isp, add the two products and a contract with both per personal account (as the owner).

    Returns product ids and revenue ledger account ids by product code.
    """
    from core.plugins.enablement import enable_plugin
    from core.tenants.models import Tenant
    from plugins.isp.models import Product

    with db.app.app_context():
        enable_plugin(session.get(Tenant, db.tenant_id), "isp", {"block_grace_days": 0, "low_balance_days": 3})
        session.commit()
        with tenant_scope(db.tenant_id):
            from core.ledger import service as ledger

            products, revenue = {}, {}
            for code, kind, fee in PRODUCTS:
                product = Product(code=code, kind=kind, title=code, monthly_fee=fee)
                session.add(product)
                session.flush()
                products[code] = product.id
                revenue[code] = ledger.revenue_account(kind).id
            session.commit()
    params = {"t": db.tenant_id, "now": CREATED, "started": STARTED}
    with db.owner.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO isp_contracts (tenant_id, number, personal_account_id, category, signed_on, created_at) "
                "SELECT tenant_id, number, id, 'cable', :started, :now FROM personal_accounts WHERE tenant_id = :t"
            ).bindparams(bindparam("now", type_=UTCDateTime())),
            params,
        )
        for product_id in products.values():
            conn.execute(
                text(
                    "INSERT INTO isp_subscriptions (tenant_id, contract_id, product_id, starts_on, created_at) "
                    "SELECT tenant_id, id, :p, :started, :now FROM isp_contracts WHERE tenant_id = :t ORDER BY id"
                ).bindparams(bindparam("now", type_=UTCDateTime())),
                params | {"p": product_id},
            )
    analyze(db)
    return products, revenue


def _prepare(db: BenchDatabase) -> None:
    """Before a timed run: empty ledger, seeded balances, nothing charged for ``DAY``, nobody blocked."""
    reset_ledger(db)
    params = {"t": db.tenant_id, "rich": RICH, "low": LOW, "debtor": DEBTOR_EVERY, "low_every": LOW_EVERY}
    params["through"] = DAY - timedelta(days=1)
    with db.owner.begin() as conn:
        conn.execute(
            text(
                "UPDATE ledger_accounts SET balance = CASE WHEN id % :debtor = 0 THEN 0 "
                "WHEN id % :low_every = 0 THEN :low ELSE :rich END WHERE tenant_id = :t AND kind = 'personal'"
            ),
            params,
        )
        conn.execute(text("UPDATE isp_subscriptions SET charged_through = :through WHERE tenant_id = :t"), params)
        conn.execute(
            text("UPDATE isp_contracts SET blocked_since = NULL, negative_since = NULL WHERE tenant_id = :t"), params
        )
        for table in ("isp_charge_runs", "notifications", "audit_events"):
            conn.execute(text(f"DELETE FROM {table} WHERE tenant_id = :t"), params)
    analyze(db)


def _day_amounts() -> dict[str, int]:
    from plugins.isp.common.calendar import day_amount

    return {code: day_amount(fee, DAY) for code, _kind, fee in PRODUCTS}


def run_baseline(db: BenchDatabase, products: dict[str, int], revenue: dict[str, int]) -> tuple[float, float | None]:
    """The same charges with plain ``INSERT … SELECT`` statements in one transaction (as the app role)."""
    amounts = _day_amounts()
    (c1, p1), (c2, p2) = products.items()
    params = {"t": db.tenant_id, "when": datetime(2026, 2, 4, 21, tzinfo=UTC), "p1": p1, "p2": p2}
    params |= {"a1": amounts[c1], "a2": amounts[c2], "c1": c1, "c2": c2, "r1": revenue[c1], "r2": revenue[c2]}
    params |= {"prefix": "isp:charge:", "suffix": f":{DAY.isoformat()}", "period": f"{DAY:%Y-%m}", "memo": "charge"}
    amount = "CASE s.product_id WHEN :p1 THEN :a1 ELSE :a2 END"
    service = "CASE s.product_id WHEN :p1 THEN :c1 ELSE :c2 END"
    key = ":prefix || CAST(s.id AS TEXT) || :suffix"
    if db.name == "postgres":
        digest = f"encode(sha256(convert_to({key}, 'UTF8')), 'hex')"
    else:
        digest = "lower(hex(randomblob(32)))"  # SQLite has no sha256(); same width
    sql = {
        "transactions": "INSERT INTO ledger_transactions (tenant_id, idempotency_key, kind, payload_hash, memo, "
        f"meta, occurred_at, created_at, actor) SELECT :t, {key}, 'charge', {digest}, :memo, '{{}}', :when, :when, '' "
        "FROM isp_subscriptions s WHERE s.tenant_id = :t",
        "postings": "INSERT INTO postings (tenant_id, transaction_id, ledger_account_id, amount, kind, service, "
        f"period, occurred_at) SELECT :t, x.id, a.ledger_account_id, -{amount}, 'charge', {service}, :period, :when "
        "FROM isp_subscriptions s JOIN isp_contracts c ON c.id = s.contract_id "
        "JOIN personal_accounts a ON a.id = c.personal_account_id "
        f"JOIN ledger_transactions x ON x.tenant_id = :t AND x.idempotency_key = {key} WHERE s.tenant_id = :t "
        f"UNION ALL SELECT :t, x.id, CASE s.product_id WHEN :p1 THEN :r1 ELSE :r2 END, {amount}, 'charge', "
        f"{service}, :period, :when FROM isp_subscriptions s "
        f"JOIN ledger_transactions x ON x.tenant_id = :t AND x.idempotency_key = {key} WHERE s.tenant_id = :t",
        "personal balances": "UPDATE ledger_accounts SET balance = balance - :a1 - :a2 "
        "WHERE tenant_id = :t AND kind = 'personal'",
        "revenue balances": "UPDATE ledger_accounts SET balance = balance + CASE id WHEN :r1 THEN :a1 ELSE :a2 END * "
        "(SELECT count(*) FROM isp_contracts WHERE tenant_id = :t) WHERE id IN (:r1, :r2)",
    }
    start = time.perf_counter()
    with db.engine.begin() as conn:
        clock = cpu_clock(conn)
        if db.name == "postgres":
            conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(db.tenant_id)})
        for statement in sql.values():
            clause = text(statement)
            if ":when" in statement:
                clause = clause.bindparams(bindparam("when", type_=UTCDateTime()))
            conn.execute(clause, params)
    elapsed = time.perf_counter() - start
    return elapsed, clock.elapsed() if clock.complete else None


def run_service(db: BenchDatabase, size: int) -> tuple[float, float | None, int, int, int]:
    """Seconds, CPU seconds, peak RSS growth (KB) after N/10 subscribers and after all, charges posted."""
    from core.tenants.models import Tenant
    from plugins.isp.charging.service import charge_until, start_of_day

    with db.app.app_context(), tenant_scope(db.tenant_id):
        tenant = session.get(Tenant, db.tenant_id)
        now = start_of_day(tenant, DAY) + timedelta(hours=1)  # the job's first run of the day
        session.commit()
        gc.collect()
        clock = cpu_clock(session.connection())
        peak = PeakRSS().start()
        early: list[int] = []

        def on_chunk(result) -> None:
            if not early and result.charges >= 2 * size // 10:
                early.append(peak.growth())

        start = time.perf_counter()
        results = charge_until(tenant, DAY, now=now, on_chunk=on_chunk)
        elapsed = time.perf_counter() - start
        cpu = clock.elapsed() if clock.complete else None
        total = peak.growth()
        peak.stop()
    if len(results) != 1:
        raise AssertionError(f"expected one day to charge, got {[r.day for r in results]}")
    return elapsed, cpu, (early or [0])[0], total, results[0].charges


def _check(db: BenchDatabase, size: int, who: str) -> None:
    """Every subscription charged once: 2N charge transactions, 4N postings summing to zero."""
    with db.owner.connect() as conn:
        transactions = conn.execute(text("SELECT count(*) FROM ledger_transactions WHERE kind = 'charge'")).scalar()
        postings, total = conn.execute(text("SELECT count(*), coalesce(sum(amount), 0) FROM postings")).one()
    if (transactions, postings, int(total)) != (2 * size, 4 * size, 0):
        raise AssertionError(f"{who}: unexpected ledger ({transactions} transactions, {postings} postings)")


def bench_isp_charges(db: BenchDatabase, size: int) -> list[Result]:
    """The isp daily charge run at N subscribers × 2 services: time vs baseline, re-run, memory."""
    products, revenue = _seed_isp(db)
    _prepare(db)
    progress(f"{db.name}: baseline INSERT … SELECT of {2 * size:,} isp charges")
    baseline, baseline_cpu = run_baseline(db, products, revenue)
    _check(db, size, "baseline")
    _prepare(db)
    progress(f"{db.name}: isp charge run of {size:,} subscribers × 2 services")
    ours, ours_cpu, early, total, posted = run_service(db, size)
    _check(db, size, "isp charge run")
    progress(f"{db.name}: the same day again")
    again, again_cpu, _early, _total, posted_again = run_service(db, size)
    if posted_again:
        raise AssertionError(f"the second run posted {posted_again} charges")
    _check(db, size, "isp charge re-run")
    ratio = ours / baseline
    rerun = again / ours
    memory_ratio = total / early if early else (1.0 if not total else float("inf"))
    flat = memory_ratio <= MEMORY_TARGET or total - early <= MEMORY_ALLOWANCE
    per_subscriber = (total - early) * 1024 / (size - size // 10)
    return [
        Result(
            f"isp daily charge ({size:,} subscribers × 2)",
            db.name,
            seconds(ours),
            seconds(baseline),
            ratio,
            TIME_TARGET,
            ratio <= TIME_TARGET,
            f"{posted / ours:,.0f} charges/s; {cpu_note(ours_cpu, baseline_cpu)}; peak RSS +{megabytes(total)}",
        ),
        Result(
            "isp charge re-run of the same day",
            db.name,
            seconds(again),
            seconds(ours),
            rerun,
            RERUN_TARGET,
            rerun <= RERUN_TARGET,
            f"posted nothing; baseline column: the first run; {cpu_note(again_cpu, ours_cpu)}",
        ),
        Result(
            "isp charge peak RSS (N vs N/10)",
            db.name,
            megabytes(total),
            megabytes(early),
            memory_ratio,
            MEMORY_TARGET,
            flat,
            f"growth after {size:,} vs {size // 10:,} subscribers: {per_subscriber:+.1f} bytes/subscriber "
            f"(a difference under {MEMORY_ALLOWANCE // 1024} MB also passes)",
        ),
    ]
