"""A charge run killed midway (SIGKILL, a real ``abonent isp charge`` process) and run again charges
each (account, service, day) exactly once, and the ledger still balances."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from core.api import ledger, open_account, session, tenant_scope
from core.ledger.models import LedgerTransaction, Posting
from plugins.isp.common.calendar import tenant_today
from plugins.isp.contracts.service import subscribe
from plugins.isp.models import Contract, Product, Subscription

CONTRACTS = 120  # × 2 charged services (inet100, tvbase; the bundled Kids is free) = 240 charges a day
CHUNK = 50


def seed(app, tenant, catalog, first_day) -> None:
    """Contracts with two charged services each, money enough, no logins (fast)."""
    ids = catalog(tenant)
    with app.app_context(), tenant_scope(tenant.id):
        inet, tv = session.get(Product, ids["inet100"]), session.get(Product, ids["tvbase"])
        clearing = ledger.clearing_account("test")
        for n in range(CONTRACTS):
            account = open_account(str(500_000 + n), holder_name=f"Holder {n}")
            contract = Contract(number=account.number, account=account)
            session.add(contract)
            session.flush()
            subscribe(contract, inet, first_day)
            subscribe(contract, tv, first_day)
            ledger.transfer(f"test:topup:{n}", "payment", clearing, account.ledger_account, 1_000_000)
        session.commit()


def abonent(app, tmp_path: Path, *args: str, pause: float = 0) -> subprocess.Popen:
    env = {
        **os.environ,
        "ABONENT_DATABASE_URL": app.config["DATABASE_URL"],
        "ABONENT_SECRET_KEY": app.config["SECRET_KEY"],
        "ABONENT_INSTANCE_PATH": str(tmp_path / "instance"),
        "ABONENT_ISP_CHARGE_PAUSE": str(pause),
    }
    executable = Path(sys.executable).with_name("abonent")
    return subprocess.Popen(
        [str(executable), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def charge_counts(app, tenant) -> tuple[int, int]:
    """(charge transactions, the largest number of charges of one account, service and day)."""
    with app.app_context(), tenant_scope(tenant.id):
        transactions = session.scalar(
            select(func.count(LedgerTransaction.id)).where(LedgerTransaction.kind == "charge")
        )
        per_day = session.scalars(
            select(func.count(Posting.id))
            .where(Posting.kind == "charge", Posting.amount < 0)
            .group_by(Posting.ledger_account_id, Posting.service, Posting.occurred_at)
        ).all()
        worst = max(per_day, default=0)
        return transactions, worst


def test_a_killed_charge_run_rerun_charges_each_service_and_day_once(app, isp_tenant, catalog, tmp_path):
    tenant = isp_tenant("isp-crash")
    today = tenant_today(tenant, datetime.now(UTC))
    yesterday = today - timedelta(days=1)
    seed(app, tenant, catalog, yesterday)
    expected = CONTRACTS * 2 * 2  # two services, two days
    args = ("isp", "charge", "--tenant", "isp-crash", "--date", yesterday.isoformat(), "--until-today")

    run = abonent(app, tmp_path, *args, "--chunk-size", str(CHUNK), pause=60)
    deadline = time.monotonic() + 60
    seen = []
    for line in run.stderr:  # the command reports each committed chunk, then sleeps (the test hook)
        seen.append(line)
        if "chunk 1 committed" in line or time.monotonic() > deadline:
            break
    os.kill(run.pid, signal.SIGKILL)
    run.wait(timeout=30)
    assert run.returncode == -signal.SIGKILL, "".join(seen)[-3000:]
    killed_at, _worst = charge_counts(app, tenant)
    assert 0 < killed_at < expected  # it died with work done and work left

    rerun = abonent(app, tmp_path, *args, "--chunk-size", str(CHUNK))
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    transactions, worst = charge_counts(app, tenant)
    assert (transactions, worst) == (expected, 1)
    assert f"{yesterday}: charged {CONTRACTS * 2 - killed_at} charge(s)" in out

    check = abonent(app, tmp_path, "ledger", "check", "--tenant", "isp-crash")
    out, err = check.communicate(timeout=60)
    assert check.returncode == 0 and "isp-crash: ok" in out, err
    with app.app_context(), tenant_scope(tenant.id):
        assert ledger.check() == []
        marks = set(session.scalars(select(Subscription.charged_through).where(Subscription.bundled_with_id.is_(None))))
        assert marks == {today}
