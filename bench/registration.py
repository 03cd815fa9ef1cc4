"""Benchmark: registration cannot tell an existing account number from a missing one by its time (issue #14).

The request step looks nothing up (tests show it runs the same statements for both), so the one step whose work
could depend on the account is the proof: :func:`plugins.housing.registration.proof.matching_account`. Among the
database's N accounts one has a flat; its number with a wrong flat number and a number nobody has are checked in
turn, many times, under each proof policy. The medians must agree within noise (the slower ≤ 1.25× the faster),
with the same number of statements. The flat is removed afterwards, so the other benchmarks see the seed as it was.
"""

from __future__ import annotations

import statistics
import time
from decimal import Decimal

from sqlalchemy import delete

from bench.database import BenchDatabase
from bench.report import Result, StatementCounter, progress
from bench.seed import account_number
from core.db import session, tenant_scope

TARGET = 1.25
REPETITIONS = 400
WARMUP = 50
MISSING = "99999999999"


def bench_registration(db: BenchDatabase, size: int) -> list[Result]:
    from core.accounts.service import find_account
    from plugins.housing.models import AccountPremises, Building, Premises
    from plugins.housing.registration.proof import Proof, matching_account
    from plugins.housing.registration.settings import FLAT_NUMBER, LAST_BILL

    progress("registration: the proof of a flat, existing vs missing account number")
    existing = account_number(size // 2)
    results = []
    with db.app.app_context(), tenant_scope(db.tenant_id):
        building = Building(code="bench-reg", address="Bench St, 1", total_area=Decimal(1000))
        session.add(building)
        session.flush()
        flat = Premises(building_id=building.id, number="12", area=Decimal(50))
        session.add(flat)
        session.flush()
        session.add(AccountPremises(personal_account_id=find_account(existing).id, premises_id=flat.id))
        session.commit()
        try:
            counter = StatementCounter(db.engine)
            for policy, wrong in ((FLAT_NUMBER, Proof(flat_number="13")), (LAST_BILL, Proof(amount=100))):
                times: dict[str, list[float]] = {existing: [], MISSING: []}
                counts: dict[str, set[int]] = {existing: set(), MISSING: set()}
                for round_ in range(WARMUP + REPETITIONS):
                    for number in (existing, MISSING) if round_ % 2 else (MISSING, existing):
                        session.expunge_all()  # every check starts cold, as in its own request
                        before = counter.count
                        with counter.installed():
                            start = time.perf_counter()
                            assert matching_account(number, wrong, policy) is None
                            elapsed = time.perf_counter() - start
                        if round_ >= WARMUP:
                            times[number].append(elapsed)
                            counts[number].add(counter.count - before)
                ours, baseline = statistics.median(times[existing]), statistics.median(times[MISSING])
                ratio = max(ours, baseline) / min(ours, baseline)
                same_work = counts[existing] == counts[MISSING]
                results.append(
                    Result(
                        f"registration proof ({policy}): existing vs missing number",
                        db.name,
                        f"{ours * 1e6:.0f} µs",
                        f"{baseline * 1e6:.0f} µs",
                        ratio,
                        TARGET,
                        ratio <= TARGET and same_work,
                        f"statements {sorted(counts[existing])} vs {sorted(counts[MISSING])}",
                    )
                )
        finally:
            session.rollback()
            session.execute(delete(AccountPremises).where(AccountPremises.premises_id == flat.id))
            session.execute(delete(Premises).where(Premises.id == flat.id))
            session.execute(delete(Building).where(Building.id == building.id))
            session.commit()
    return results
