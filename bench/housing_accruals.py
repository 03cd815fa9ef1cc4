"""Benchmark: the housing plugin's monthly accrual run for N flats × 6 services.

Run it alone with ``python -m bench.housing_accruals --flats 100000 [--db sqlite|postgres|both]`` (or with the
others: ``python -m bench --only housing_accruals --size N``). Exits with status 1 when a target is missed.

* Time: :func:`plugins.housing.accruals.run.run_period` for one month (per chunk of flats: read the flats and
  accounts, what is accrued, the meters and their recent readings; compute each charge and its trace; one bulk
  insert of the accrual lines and one ledger batch) against a floor of plain set-based SQL writing the same rows —
  6N accrual lines (with a trace of the same size), 6N ledger transactions, 12N postings and the balances — with
  ``INSERT … SELECT`` in one transaction. The floor computes simpler amounts (no average or true-up, no tariff
  change inside the month) and no per-line trace: it is the floor.
* Re-run: a second run of the same month posts nothing; its time against the first run's.
* Memory: peak RSS growth of the run after N/10 flats and after all N must be flat.

The data: one flat per personal account (the runner created them), 100 flats a building; 19 flats in 20 have a
cold-water, a hot-water and an electricity meter read in each of the last four months, except one flat in ten
that missed this month (billed by the average); the others have no meter (the norm × 1.5).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from datetime import date, datetime
from datetime import time as clock_time
from zoneinfo import ZoneInfo

from sqlalchemy import Date, bindparam, text

from bench.database import BenchDatabase
from bench.report import PeakRSS, Result, cpu_clock, cpu_note, megabytes, progress, seconds
from bench.seed import CREATED, analyze, reset_ledger
from core.db import session, tenant_scope
from core.db.base import UTCDateTime

TIME_TARGET = 3.0
RERUN_TARGET = 0.20
MEMORY_TARGET = 1.5
MEMORY_ALLOWANCE = 1024  # KB: below a megabyte of difference, RSS granularity and allocator reuse dominate
PERIOD = date(2026, 12, 1)
HISTORY = (date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1))
SERVICES_PER_FLAT = 6
NO_METER_EVERY = 20
MISSED_EVERY = 10
METERS = (("cold_water", 5), ("hot_water", 3), ("electricity", 150))  # kind, usual use a month
# code, method, meter kind, tariff (kopecks per unit), norm (units per person a month)
SERVICES = (
    ("maintenance", "per_area", None, "3450", None),
    ("capital_repair", "per_area", None, "1913", None),
    ("cold_water", "metered", "cold_water", "5293", "4.745"),
    ("hot_water", "metered", "hot_water", "24867", "3.5"),
    ("electricity", "metered", "electricity", "868", "100"),
    ("waste", "norm", None, "12540", "1"),
)
# A trace as long as the run's (method, inputs, two priced pieces), for the floor's rows.
FLOOR_TRACE = (
    '{"method": "metered", "inputs": {"volume": "5.000"}, "flat_amount": 26465, "volume": "5.000", '
    '"accounts": 1, "pieces": [{"first": "2026-12-01", "last": "2026-12-31", "quantity": "5.000", '
    '"price": "5293", "price_from": "2020-01-01"}]}'
)


def _timestamps(sql: str):
    return text(sql).bindparams(bindparam("now", type_=UTCDateTime()))


def _seed_housing(db: BenchDatabase) -> None:
    """Enable housing, add the services, and (as the owner) buildings, flats, bindings, meters and readings."""
    from core.plugins.enablement import enable_plugin
    from core.tenants.models import Tenant
    from plugins.housing.models import HousingService

    with db.app.app_context():
        enable_plugin(session.get(Tenant, db.tenant_id), "housing")
        session.commit()
        with tenant_scope(db.tenant_id):
            for position, (code, method, kind, tariff, norm) in enumerate(SERVICES, start=1):
                session.add(
                    HousingService(
                        code=code,
                        title=code,
                        method=method,
                        meter_kind=kind,
                        tariffs=[["2020-01-01", tariff]],
                        norms=[["2020-01-01", norm]] if norm else [],
                        no_meter_multiplier="1.5" if kind else "1",
                        position=position,
                    )
                )
            session.commit()
    json_list = "CAST('[\"100\"]' AS JSON)" if db.name == "postgres" else "'[\"100\"]'"
    params = {"t": db.tenant_id, "now": CREATED, "no_meter": NO_METER_EVERY, "missed": MISSED_EVERY}
    with db.owner.begin() as conn:
        if db.name == "postgres":  # seeding only: skip the per-row foreign key triggers
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(
            _timestamps(
                "INSERT INTO housing_buildings (tenant_id, code, address, total_area, created_at) "
                "SELECT :t, 'B' || CAST(b AS TEXT), 'Street ' || CAST(b AS TEXT), 5000, :now "
                "FROM (SELECT DISTINCT id / 100 AS b FROM personal_accounts WHERE tenant_id = :t) AS blocks"
            ),
            params,
        )
        conn.execute(
            text(
                "INSERT INTO housing_premises (tenant_id, building_id, number, area, residents) "
                "SELECT :t, b.id, p.number, 30 + p.id % 50, 1 + p.id % 4 FROM personal_accounts p "
                "JOIN housing_buildings b ON b.tenant_id = :t AND b.code = 'B' || CAST(p.id / 100 AS TEXT) "
                "WHERE p.tenant_id = :t"
            ),
            params,
        )
        conn.execute(
            text(
                "INSERT INTO housing_account_premises (tenant_id, personal_account_id, premises_id) "
                "SELECT :t, p.id, f.id FROM personal_accounts p "
                "JOIN housing_buildings b ON b.tenant_id = :t AND b.code = 'B' || CAST(p.id / 100 AS TEXT) "
                "JOIN housing_premises f ON f.tenant_id = :t AND f.building_id = b.id AND f.number = p.number "
                "WHERE p.tenant_id = :t"
            ),
            params,
        )
        for kind, _use in METERS:
            conn.execute(
                text(
                    "INSERT INTO housing_meters (tenant_id, premises_id, kind, serial, zones, digits, "
                    "next_verification, initial_values) "
                    "SELECT :t, id, CAST(:kind AS VARCHAR), CAST(:kind AS VARCHAR) || '-' || number, 1, 6, "
                    f":verified, {json_list} "
                    "FROM housing_premises WHERE tenant_id = :t AND id % :no_meter <> 0"
                ).bindparams(bindparam("verified", type_=Date())),
                params | {"kind": kind, "verified": date(2030, 1, 1)},
            )
        for month, period in enumerate(HISTORY, start=1):
            for kind, use in METERS:
                skip = "AND m.premises_id % :missed <> 0" if period == PERIOD else ""
                conn.execute(
                    text(
                        "INSERT INTO housing_readings (tenant_id, meter_id, zone, period, value, use, rollover, "
                        "status, source, submitted_at, note) "
                        "SELECT :t, m.id, 1, :period, 100 + :month * (:use + m.id % 3), :use + m.id % 3, :no, "
                        f"'accepted', 'import', :now, '' FROM housing_meters m WHERE m.tenant_id = :t "
                        f"AND m.kind = :kind {skip}"
                    ).bindparams(bindparam("period", type_=Date()), bindparam("now", type_=UTCDateTime())),
                    params | {"period": period, "month": month, "use": use, "kind": kind, "no": False},
                )
    analyze(db)


def _prepare(db: BenchDatabase) -> None:
    """Before a timed run: nothing accrued, an empty ledger."""
    with db.owner.begin() as conn:
        conn.execute(text("DELETE FROM housing_accruals WHERE tenant_id = :t"), {"t": db.tenant_id})
    reset_ledger(db)


def run_floor(db: BenchDatabase) -> tuple[float, float | None]:
    """The same rows with plain ``INSERT … SELECT`` statements in one transaction (as the app role)."""
    from core.ledger import service as ledger

    with db.app.app_context(), tenant_scope(db.tenant_id):
        revenue = {code: ledger.revenue_account(code).id for code, *_rest in SERVICES}
        session.commit()
    when = datetime.combine(PERIOD, clock_time(3), ZoneInfo("UTC"))
    params = {
        "t": db.tenant_id,
        "p": PERIOD,
        "now": when,
        "trace": FLOOR_TRACE,
        "key": "housing:accrual:",
        "suffix": ":2026-12",
    }
    amount = {
        "per_area": "f.area * :tariff",
        "norm": "f.residents * :norm * :tariff",
        "metered": "coalesce((SELECT sum(r.use) FROM housing_meters m JOIN housing_readings r ON r.tenant_id = :t "
        "AND r.meter_id = m.id AND r.zone = 1 AND r.period = :p WHERE m.tenant_id = :t AND m.premises_id = f.id "
        "AND m.kind = :kind), f.residents * :norm * 1.5) * :tariff",
    }
    if db.name == "postgres":
        digest = "encode(sha256(convert_to(a.ledger_key, 'UTF8')), 'hex')"
    else:
        digest = "lower(hex(randomblob(32)))"  # SQLite has no sha256(); same width
    statements = [
        (
            "INSERT INTO housing_accruals (tenant_id, personal_account_id, service, period, amount, method, trace, "
            "ledger_key, created_at) SELECT :t, ap.personal_account_id, CAST(:code AS VARCHAR), :p, "
            f"CAST(round({amount[method]}) AS BIGINT), :method, :trace, "
            ":key || CAST(ap.personal_account_id AS VARCHAR) || ':' || CAST(:code AS VARCHAR) || :suffix, :now "
            "FROM housing_account_premises ap JOIN housing_premises f ON f.tenant_id = :t AND f.id = ap.premises_id "
            "WHERE ap.tenant_id = :t",
            {"code": code, "method": method, "kind": kind, "tariff": int(tariff), "norm": float(norm or 0)},
        )
        for code, method, kind, tariff, norm in SERVICES
    ]
    statements += [
        (
            "INSERT INTO ledger_transactions (tenant_id, idempotency_key, kind, payload_hash, memo, meta, "
            f"occurred_at, created_at, actor) SELECT :t, a.ledger_key, 'housing_accrual', {digest}, "
            "a.service || ': 2026-12', '{}', :now, :now, '' FROM housing_accruals a WHERE a.tenant_id = :t "
            "AND a.period = :p",
            {},
        ),
        (
            "INSERT INTO postings (tenant_id, transaction_id, ledger_account_id, amount, kind, service, period, "
            "occurred_at) SELECT :t, x.id, pa.ledger_account_id, -a.amount, 'housing_accrual', a.service, "
            "'2026-12', :now FROM housing_accruals a JOIN personal_accounts pa ON pa.id = a.personal_account_id "
            "JOIN ledger_transactions x ON x.tenant_id = :t AND x.idempotency_key = a.ledger_key "
            "WHERE a.tenant_id = :t AND a.period = :p "
            "UNION ALL SELECT :t, x.id, CASE a.service "
            + " ".join(f"WHEN '{code}' THEN {revenue[code]}" for code in revenue)
            + " END, a.amount, 'housing_accrual', a.service, '2026-12', :now FROM housing_accruals a "
            "JOIN ledger_transactions x ON x.tenant_id = :t AND x.idempotency_key = a.ledger_key "
            "WHERE a.tenant_id = :t AND a.period = :p",
            {},
        ),
        (
            "UPDATE ledger_accounts SET balance = balance + (SELECT sum(po.amount) FROM postings po "
            "WHERE po.tenant_id = :t AND po.ledger_account_id = ledger_accounts.id) WHERE tenant_id = :t "
            "AND id IN (SELECT ledger_account_id FROM postings WHERE tenant_id = :t)",
            {},
        ),
    ]
    start = time.perf_counter()
    with db.engine.begin() as conn:
        clock = cpu_clock(conn)
        if db.name == "postgres":
            conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(db.tenant_id)})
        for sql, extra in statements:
            types = [
                bindparam(name, type_=kind)
                for name, kind in (("p", Date()), ("now", UTCDateTime()))
                if f":{name}" in sql
            ]
            clause = text(sql).bindparams(*types)
            conn.execute(clause, params | extra)
    elapsed = time.perf_counter() - start
    return elapsed, clock.elapsed() if clock.complete else None


def run_service(db: BenchDatabase, size: int) -> tuple[float, float | None, int, int, int]:
    """Seconds, CPU seconds, peak RSS growth (KB) after N/10 flats and after all, lines posted."""
    from plugins.housing.accruals.run import run_period

    with db.app.app_context(), tenant_scope(db.tenant_id):
        session.commit()
        gc.collect()
        clock = cpu_clock(session.connection())
        peak = PeakRSS().start()
        early: list[int] = []

        def on_chunk(result) -> None:
            if not early and result.lines >= SERVICES_PER_FLAT * size // 10:
                early.append(peak.growth())

        start = time.perf_counter()
        result = run_period(PERIOD, now=datetime.combine(PERIOD, clock_time(3), ZoneInfo("UTC")), on_chunk=on_chunk)
        session.commit()
        elapsed = time.perf_counter() - start
        cpu = clock.elapsed() if clock.complete else None
        total = peak.growth()
        peak.stop()
    return elapsed, cpu, (early or [0])[0], total, result.lines


def _check(db: BenchDatabase, size: int, who: str) -> None:
    """Every flat accrued once per service: 6N lines, 6N transactions, 12N postings summing to zero."""
    with db.owner.connect() as conn:
        lines = conn.execute(text("SELECT count(*) FROM housing_accruals")).scalar()
        transactions = conn.execute(
            text("SELECT count(*) FROM ledger_transactions WHERE kind = 'housing_accrual'")
        ).scalar()
        postings, total = conn.execute(text("SELECT count(*), coalesce(sum(amount), 0) FROM postings")).one()
    expected = SERVICES_PER_FLAT * size
    if (lines, transactions, postings, int(total)) != (expected, expected, 2 * expected, 0):
        raise AssertionError(
            f"{who}: unexpected rows ({lines} accruals, {transactions} transactions, {postings} postings, sum {total})"
        )


def bench_housing_accruals(db: BenchDatabase, size: int) -> list[Result]:
    """The housing accrual run at N flats × 6 services: time vs the floor, re-run, memory."""
    progress(f"{db.name}: seeding {size:,} flats with meters and four months of readings")
    _seed_housing(db)
    _prepare(db)
    progress(f"{db.name}: floor INSERT … SELECT of {SERVICES_PER_FLAT * size:,} accrual lines")
    floor, floor_cpu = run_floor(db)
    _check(db, size, "floor")
    _prepare(db)
    progress(f"{db.name}: housing accrual run of {size:,} flats × {SERVICES_PER_FLAT} services")
    ours, ours_cpu, early, total, posted = run_service(db, size)
    _check(db, size, "housing accrual run")
    progress(f"{db.name}: the same month again")
    again, again_cpu, _early, _total, posted_again = run_service(db, size)
    if posted_again:
        raise AssertionError(f"the second run posted {posted_again} lines")
    _check(db, size, "housing accrual re-run")
    ratio = ours / floor
    rerun = again / ours
    memory_ratio = total / early if early else (1.0 if not total else float("inf"))
    flat = memory_ratio <= MEMORY_TARGET or total - early <= MEMORY_ALLOWANCE
    per_flat = (total - early) * 1024 / (size - size // 10)
    return [
        Result(
            f"housing accrual run ({size:,} flats × {SERVICES_PER_FLAT})",
            db.name,
            seconds(ours),
            seconds(floor),
            ratio,
            TIME_TARGET,
            ratio <= TIME_TARGET,
            f"{posted / ours:,.0f} lines/s; {cpu_note(ours_cpu, floor_cpu)}; peak RSS +{megabytes(total)}",
        ),
        Result(
            "housing accrual re-run of the same month",
            db.name,
            seconds(again),
            seconds(ours),
            rerun,
            RERUN_TARGET,
            rerun <= RERUN_TARGET,
            f"posted nothing; baseline column: the first run; {cpu_note(again_cpu, ours_cpu)}",
        ),
        Result(
            "housing accrual peak RSS (N vs N/10)",
            db.name,
            megabytes(total),
            megabytes(early),
            memory_ratio,
            MEMORY_TARGET,
            flat,
            f"growth after {size:,} vs {size // 10:,} flats: {per_flat:+.1f} bytes/flat "
            f"(a difference under {MEMORY_ALLOWANCE // 1024} MB also passes)",
        ),
    ]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """``--flats N`` (default 100000), ``--db``, ``--postgres-url``, ``--markdown``."""
    from bench.__main__ import FULL_SIZE
    from bench.database import POSTGRES_SERVER

    parser = argparse.ArgumentParser(
        prog="python -m bench.housing_accruals", description="The housing accrual run at N flats × 6 services."
    )
    parser.add_argument("--flats", type=int, default=FULL_SIZE, help="flats (one account each; default 100000)")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("ABONENT_BENCH_POSTGRES_URL", POSTGRES_SERVER), metavar="URL"
    )
    parser.add_argument("--markdown", action="store_true", help="print the final table as Markdown")
    args = parser.parse_args(argv)
    if args.flats < 100:
        parser.error("--flats must be at least 100")
    # What bench.runner expects: the size of the data and the one benchmark to run.
    args.size, args.only = args.flats, ["housing_accruals"]
    return args


def main(argv: list[str] | None = None) -> int:
    """Run this benchmark alone, each database in a fresh process; print the table."""
    from bench.__main__ import machine
    from bench.report import table
    from bench.runner import run_isolated

    args = parse_args(argv)
    print(machine(), flush=True)
    results: list[Result] = []
    for kind in ("sqlite", "postgres") if args.db == "both" else (args.db,):
        results += run_isolated(kind, args)
    print()
    print(table(results, markdown=args.markdown))
    return 0 if all(result.passed for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
