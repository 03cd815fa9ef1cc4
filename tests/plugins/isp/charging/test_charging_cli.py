"""``abonent isp charge``: totals by service, a dry run that writes nothing, clear refusals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from core.api import session, tenant_scope
from core.cli.main import cli
from core.ledger.models import LedgerTransaction

FEB = date(2026, 2, 1)


@pytest.fixture
def abonent(app, monkeypatch):
    monkeypatch.setenv("ABONENT_DATABASE_URL", app.config["DATABASE_URL"])

    def invoke(*args: str):
        return CliRunner().invoke(cli, ["isp", "charge", *args])

    return invoke


def charge_transactions(app, tenant) -> int:
    with app.app_context(), tenant_scope(tenant.id):
        return session.scalar(select(func.count(LedgerTransaction.id)).where(LedgerTransaction.kind == "charge"))


def test_dry_run_prints_totals_by_service_and_posts_nothing(app, isp_tenant, catalog, contract_from, abonent):
    tenant = isp_tenant()
    catalog(tenant)
    contract_from(tenant, "100", FEB, products=("inet100", "tvbase"), balance=1_000_000)
    contract_from(tenant, "200", FEB, products=("inet100",), balance=1_000_000)
    result = abonent("--tenant", "isp-site", "--date", "2026-02-05", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "2026-02-05: would charge 3 charge(s)" in result.output
    lines = {line.split()[0]: line.split()[1] for line in result.output.splitlines() if line.startswith("  ")}
    assert lines["inet100"] == "2" and lines["tvbase"] == "1"
    assert charge_transactions(app, tenant) == 0

    real = abonent("--tenant", "isp-site", "--date", "2026-02-05")
    assert real.exit_code == 0 and "2026-02-05: charged 3 charge(s)" in real.output
    again = abonent("--tenant", "isp-site", "--date", "2026-02-05")
    assert again.exit_code == 0 and "2026-02-05: charged 0 charge(s)" in again.output
    assert charge_transactions(app, tenant) == 3


def test_a_range_of_days_through_today(app, isp_tenant, catalog, contract_from, abonent):
    from plugins.isp.common.calendar import tenant_today

    tenant = isp_tenant()
    catalog(tenant)
    today = tenant_today(tenant)
    start = today - timedelta(days=3)
    contract_from(tenant, "100", start, balance=1_000_000)
    result = abonent("--tenant", "isp-site", "--date", start.isoformat(), "--until-today")
    assert result.exit_code == 0, result.output
    assert charge_transactions(app, tenant) == 4
    # Without --date, the run catches up to today: nothing is left.
    assert "charged 0 charge(s)" in abonent("--tenant", "isp-site").output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--tenant", "nobody"), "no tenant 'nobody'"),
        (("--tenant", "plain"), "not enabled"),
        (("--tenant", "isp-site", "--date", "2026-02-30"), "is not a date"),
        (("--tenant", "isp-site", "--date", "yesterday"), "is not a date"),
        (("--tenant", "isp-site", "--date", "2999-01-01", "--until-today"), "after today"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(app, isp_tenant, make_tenant, abonent, args, message):
    isp_tenant()
    make_tenant("plain")
    result = abonent(*args)
    assert result.exit_code != 0
    assert message in result.output
