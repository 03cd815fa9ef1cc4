"""The month's billing run started by the company's administrator (a background task) or from the command line."""

from __future__ import annotations

from datetime import date

from click.testing import CliRunner
from flask.cli import ScriptInfo

from core.cli.main import cli
from core.jobs.background import RUN_JOB
from core.jobs.registry import run_job
from core.testing.fixtures import tenant_path
from tests.plugins.housing.test_billing_run import balances, house, read  # noqa: F401 - the fixture

URL = "/housing/admin/billing"


def test_the_administrator_runs_the_month_and_watches_its_progress(app, house, make_user, login):  # noqa: F811
    tenant, meter_id = house
    read(app, tenant, meter_id, date(2026, 11, 1), "4")
    admin = login(tenant, make_user(tenant, "boss@example.org", roles=("tenant_admin",)))
    form = admin.get(tenant_path(tenant, URL))
    assert form.status_code == 200 and 'type="month"' in form.get_data(as_text=True)
    started = admin.submit(tenant_path(tenant, URL), {"period": "2026-11"})
    assert started.status_code == 302 and "/admin/tasks/" in started.location
    assert balances(app, tenant) == {"1001": 0, "1002": 0, "1301": 0}  # the request only queued the run
    assert run_job(app, RUN_JOB)["done"] == 1
    page = admin.get(started.location).get_data(as_text=True)
    assert "2 из 2" in page and "ноябрь 2026" in page  # both flats gone through, the result in words
    after = balances(app, tenant)
    assert all(balance < 0 for balance in after.values())
    again = admin.submit(tenant_path(tenant, URL), {"period": "2026-11"})
    run_job(app, RUN_JOB)
    assert "начислять нечего" in admin.get(again.location).get_data(as_text=True)
    assert balances(app, tenant) == after  # nothing billed twice


def test_a_month_that_is_no_month_or_has_not_begun_is_refused(app, house, make_user, login):  # noqa: F811
    tenant, _meter_id = house
    admin = login(tenant, make_user(tenant, "boss@example.org", roles=("tenant_admin",)))
    for typed in ("ноябрь", "2026-13", "2999-01"):
        response = admin.submit(tenant_path(tenant, URL), {"period": typed})
        assert response.status_code == 422, typed
        assert 'class="error"' in response.get_data(as_text=True)
    operator = login(tenant, make_user(tenant, "op@example.org", roles=("operator",)))
    assert operator.get(tenant_path(tenant, URL)).status_code == 403  # billing is the administrator's


def test_the_command_line_bills_the_month_once_and_refuses_a_bad_month(app, house):  # noqa: F811
    tenant, meter_id = house
    read(app, tenant, meter_id, date(2026, 11, 1), "4")

    def accrue(period: str):
        return CliRunner().invoke(
            cli,
            ["housing", "accrue", "--tenant", tenant.slug, "--period", period],
            obj=ScriptInfo(create_app=lambda: app),
        )

    first = accrue("2026-11")
    assert first.exit_code == 0, first.output
    assert "2 flat(s)" in first.output and "0 line(s)" not in first.output
    second = accrue("2026-11")
    assert "0 line(s)" in second.output
    bad = accrue("November")
    assert bad.exit_code == 2 and "YYYY-MM" in bad.output
