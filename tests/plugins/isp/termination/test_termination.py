"""Ending a contract by the subscriber's application: the operator schedules it, the services end on the
day, the final charge is made, the account closes, and the subscriber's login stays read-only."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.api import PersonalAccount, session, tenant_scope
from core.testing.fixtures import tenant_path
from plugins.isp.common.calendar import tenant_today
from plugins.isp.models import Contract, Termination
from plugins.isp.termination import service
from tests.plugins.isp.conftest import as_utc


def _today(app, tenant):
    with app.app_context():
        return tenant_today(tenant)


def _schedule_page(client, tenant, made, ends_on, reason="Moving away, application of 01.12"):
    url = tenant_path(tenant, f"/isp/admin/contracts/{made.id}/termination")
    return client.submit(url, {"ends_on": ends_on, "reason": reason}, follow_redirects=True)


def test_the_operator_terminates_a_contract_and_the_subscriber_keeps_a_read_only_login(
    app, isp_tenant, catalog, make_contract, make_user, login
):
    tenant = isp_tenant()
    catalog(tenant)
    made = make_contract(tenant, "840100", products=("inet100",), balance=100_000)
    staff = login(tenant, make_user(tenant, "operator-840", roles=("operator",)))
    today = _today(app, tenant)

    contract_page = staff.get(tenant_path(tenant, f"/isp/admin/contracts/{made.id}")).get_data(as_text=True)
    assert "Terminate the contract" in contract_page
    page = _schedule_page(staff, tenant, made, today.isoformat())
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "The termination is scheduled." in text
    assert "Termination is scheduled: the last day of service is" in text

    subscriber = login(tenant, made)
    services = subscriber.get(tenant_path(tenant, "/isp/")).get_data(as_text=True)
    assert 'data-testid="termination-scheduled"' in services and "services end after" in services

    # The day after the last one: the job makes the final charge and closes the account.
    with app.app_context(), tenant_scope(tenant.id):
        assert service.finalize_due(tenant, as_utc(today)) == 0  # the last day is not over yet
        assert service.finalize_due(tenant, as_utc(today + timedelta(days=1))) == 1
        assert service.finalize_due(tenant, as_utc(today + timedelta(days=1))) == 0  # idempotent
        contract = session.get(Contract, made.id)
        account = session.get(PersonalAccount, made.account_id)
        termination = session.scalar(select(Termination).where(Termination.contract_id == made.id))
        assert account.status == "closed" and account.closed_on == today + timedelta(days=1)
        assert all(s.ends_on == today and s.charged_through == today for s in contract.subscriptions)
        assert account.balance < 100_000  # the final charge was posted
        assert termination.status == "done" and termination.final_balance == account.balance
        final_balance = account.balance

    services = subscriber.get(tenant_path(tenant, "/isp/")).get_data(as_text=True)
    assert 'data-testid="termination-closed"' in services and "The contract is terminated." in services
    assert "Final statement" in services and "Change tariff" not in services
    refused = subscriber.submit(tenant_path(tenant, "/isp/promise"), {}, form_url=tenant_path(tenant, "/isp/"))
    assert refused.status_code == 403 and "read-only" in refused.get_data(as_text=True)
    receipt = subscriber.get(tenant_path(tenant, f"/money/receipt?period={today:%Y-%m}"))
    assert receipt.status_code == 200

    staff_page = staff.get(tenant_path(tenant, f"/isp/admin/contracts/{made.id}")).get_data(as_text=True)
    assert "The contract is terminated" in staff_page
    with app.app_context(), tenant_scope(tenant.id):
        assert session.get(PersonalAccount, made.account_id).balance == final_balance


def test_a_terminated_contract_refuses_changes_in_the_api(
    app, isp_tenant, catalog, make_contract, make_user, login, api_token
):
    tenant = isp_tenant()
    catalog(tenant)
    made = make_contract(tenant, "840150", products=("inet100",), balance=100_000)
    today = _today(app, tenant)
    with app.app_context(), tenant_scope(tenant.id):
        service.schedule(tenant, session.get(Contract, made.id), today, "", None)
        session.commit()
        service.finalize_due(tenant, as_utc(today + timedelta(days=1)))
    headers = {"Authorization": f"Bearer {api_token(tenant, made)}"}
    base = tenant_path(tenant, f"/api/v1/isp/accounts/{made.account_id}")
    answer = app.test_client().post(base + "/promise", json={}, headers=headers)
    assert answer.status_code == 403 and "terminated" in answer.get_json()["message"]


def test_the_operator_can_cancel_a_scheduled_termination_and_services_run_on(
    app, isp_tenant, catalog, make_contract, make_user, login
):
    tenant = isp_tenant()
    catalog(tenant)
    made = make_contract(tenant, "840200", products=("inet100", "tvbase"), balance=100_000)
    staff = login(tenant, make_user(tenant, "operator-841", roles=("operator",)))
    today = _today(app, tenant)
    _schedule_page(staff, tenant, made, (today + timedelta(days=10)).isoformat())
    with app.app_context(), tenant_scope(tenant.id):
        contract = session.get(Contract, made.id)
        assert {s.ends_on for s in contract.subscriptions} == {today + timedelta(days=10)}
    url = tenant_path(tenant, f"/isp/admin/contracts/{made.id}/termination/cancel")
    page = staff.submit(url, {}, form_url=tenant_path(tenant, f"/isp/admin/contracts/{made.id}/termination"))
    assert page.status_code == 302
    text = staff.get(page.headers["Location"]).get_data(as_text=True)
    assert "The termination is cancelled; the services run on." in text and "Schedule the termination" in text
    with app.app_context(), tenant_scope(tenant.id):
        contract = session.get(Contract, made.id)
        assert {s.ends_on for s in contract.subscriptions} == {None}
        assert session.get(PersonalAccount, made.account_id).status == "open"


def test_a_past_day_or_a_bad_date_is_refused_with_a_message_and_another_tenant_sees_404(
    app, isp_tenant, catalog, make_contract, make_user, login
):
    tenant = isp_tenant()
    catalog(tenant)
    made = make_contract(tenant, "840300", balance=100_000)
    staff = login(tenant, make_user(tenant, "operator-842", roles=("operator",)))
    today = _today(app, tenant)
    past = _schedule_page(staff, tenant, made, (today - timedelta(days=3)).isoformat())
    assert past.status_code == 400 and "cannot be in the past" in past.get_data(as_text=True)
    bad = _schedule_page(staff, tenant, made, "31.02.2026")
    assert bad.status_code == 400 and "for example" in bad.get_data(as_text=True)
    typed = _schedule_page(staff, tenant, made, (today + timedelta(days=2)).strftime("%d.%m.%Y"))
    assert typed.status_code == 200 and "Termination is scheduled" in typed.get_data(as_text=True)
    again = _schedule_page(staff, tenant, made, (today + timedelta(days=5)).isoformat())
    assert "Termination is scheduled" in again.get_data(as_text=True)  # the form is gone while one is scheduled

    other = isp_tenant(slug="isp-other")
    stranger = login(other, make_user(other, "operator-x", roles=("operator",)))
    assert stranger.get(tenant_path(other, f"/isp/admin/contracts/{made.id}/termination")).status_code == 404
