"""The operator's charge-run page: recent runs, a preview that writes nothing, a run that posts once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.api import session, tenant_scope
from core.jobs.background import RUN_JOB
from core.jobs.registry import run_job
from core.ledger.models import LedgerTransaction
from core.testing.fixtures import tenant_path
from plugins.isp.common.calendar import tenant_today

URL = "/isp/admin/charges"


def charge_transactions(app, tenant) -> int:
    with app.app_context(), tenant_scope(tenant.id):
        return session.scalar(select(func.count(LedgerTransaction.id)).where(LedgerTransaction.kind == "charge"))


def setup(isp_tenant, catalog, contract_from, make_user, login):
    tenant = isp_tenant(locale="en")
    catalog(tenant)
    today = tenant_today(tenant)
    contract_from(tenant, "100", today, products=("inet100", "tvbase"), balance=1_000_000)
    contract_from(tenant, "200", today, products=("inet300",), balance=1_000_000)
    admin = login(tenant, make_user(tenant, "boss", roles=("tenant_admin",)))
    return tenant, today, admin


def test_preview_shows_totals_by_service_and_writes_nothing(app, isp_tenant, catalog, contract_from, make_user, login):
    tenant, today, admin = setup(isp_tenant, catalog, contract_from, make_user, login)
    page = admin.get(tenant_path(tenant, URL)).get_data(as_text=True)
    assert "No charge runs yet." in page and 'value="preview"' in page
    response = admin.submit(tenant_path(tenant, URL), {"day": today.isoformat(), "action": "preview"})
    assert response.status_code == 200
    preview = response.get_data(as_text=True).split('data-testid="preview"')[1].split("</section>")[0]
    assert "3 charge(s)" in preview
    assert "inet100" in preview and "tvbase" in preview and "inet300" in preview
    assert charge_transactions(app, tenant) == 0
    assert "No charge runs yet." in response.get_data(as_text=True)


def test_running_twice_posts_once_and_says_so(app, isp_tenant, catalog, contract_from, make_user, login):
    tenant, today, admin = setup(isp_tenant, catalog, contract_from, make_user, login)
    first = admin.submit(tenant_path(tenant, URL), {"day": today.isoformat(), "action": "run"})
    assert first.status_code == 302 and "/admin/tasks/" in first.location  # the run's own page
    waiting = admin.get(first.location)
    assert "Waiting for a worker" in waiting.get_data(as_text=True)
    assert waiting.headers["Refresh"]  # it updates itself without JavaScript
    assert charge_transactions(app, tenant) == 0  # the request only queued the run
    assert run_job(app, RUN_JOB)["done"] == 1
    done = admin.get(first.location)
    page = done.get_data(as_text=True)
    assert "3 charge(s) posted" in page and "3 of 3" in page and "Refresh" not in done.headers
    second = admin.submit(tenant_path(tenant, URL), {"day": today.isoformat(), "action": "run"})
    assert second.status_code == 302
    run_job(app, RUN_JOB)
    assert "nothing more to charge" in admin.get(second.location).get_data(as_text=True)
    assert charge_transactions(app, tenant) == 3
    page = admin.get(tenant_path(tenant, URL)).get_data(as_text=True)
    runs = page.split("<tbody>")[-1].split("</tbody>")[0]
    assert runs.count("<tr>") == 2 and "operator" in runs


def test_a_day_that_has_not_begun_is_refused(app, isp_tenant, catalog, contract_from, make_user, login):
    tenant, today, admin = setup(isp_tenant, catalog, contract_from, make_user, login)
    tomorrow = (today + timedelta(days=1)).isoformat()
    response = admin.submit(tenant_path(tenant, URL), {"day": tomorrow, "action": "run"})
    assert response.status_code == 422
    assert "has not begun yet" in response.get_data(as_text=True)
    assert charge_transactions(app, tenant) == 0


def test_operators_see_runs_but_may_not_run_and_subscribers_see_nothing(
    app, isp_tenant, catalog, contract_from, make_user, make_contract, login
):
    tenant, today, _admin = setup(isp_tenant, catalog, contract_from, make_user, login)
    operator = login(tenant, make_user(tenant, "op", roles=("operator",)))
    page = operator.get(tenant_path(tenant, URL))
    assert page.status_code == 200 and 'value="run"' not in page.get_data(as_text=True)
    refused = operator.post(tenant_path(tenant, URL), data={"day": today.isoformat(), "action": "run"})
    assert refused.status_code in (400, 403)
    subscriber = login(tenant, make_contract(tenant, "300"))
    assert subscriber.get(tenant_path(tenant, URL)).status_code == 403
    assert charge_transactions(app, tenant) == 0
