"""Operators freeze and unfreeze a contract on the subscriber's behalf, with a reason, audited."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.api import session, tenant_scope
from core.audit.models import AuditEvent
from core.testing.fixtures import tenant_path
from plugins.isp.common.calendar import tenant_today
from plugins.isp.models import ACTIVE, CANCELLED, FINISHED, Freeze


def world(app, isp_tenant, catalog, make_contract, make_user, login, settings=None, **contract):
    tenant = isp_tenant(settings=settings, locale="en")
    catalog(tenant)
    made = make_contract(tenant, "830100", balance=contract.pop("balance", 100000), **contract)
    operator = make_user(tenant, "operator@example.org", roles=("operator",))
    with app.app_context():
        today = tenant_today(tenant)
    return tenant, made, today, login(tenant, operator)


def events(app, tenant, action):
    with app.app_context(), tenant_scope(tenant.id):
        return [(e.actor, e.after) for e in session.scalars(select(AuditEvent).where(AuditEvent.action == action))]


def test_operator_freezes_past_the_subscriber_limits_and_unfreezes_audited(
    app, isp_tenant, catalog, make_contract, make_user, login
):
    settings = {"freeze_cooldown_days": 30, "freeze_min_balance": 500000, "freeze_min_days": 7}
    tenant, made, today, staff = world(app, isp_tenant, catalog, make_contract, make_user, login, settings)
    with app.app_context(), tenant_scope(tenant.id):
        session.add(
            Freeze(
                contract_id=made.id,
                starts_on=today - timedelta(days=9),
                ends_on=today - timedelta(days=2),
                status=FINISHED,
            )
        )
        session.commit()
    form = tenant_path(tenant, f"/isp/admin/contracts/{made.id}/freeze")
    assert "Block the services" in staff.get(form).get_data(as_text=True)

    response = staff.submit(
        form,
        {"starts_on": today.isoformat(), "ends_on": (today + timedelta(days=2)).isoformat(), "reason": "phone call"},
    )
    assert response.status_code == 302
    with app.app_context(), tenant_scope(tenant.id):
        row = session.scalars(select(Freeze).where(Freeze.status == ACTIVE)).one()
        assert row.by_staff and row.ends_on == today + timedelta(days=2)
    [(actor, after)] = events(app, tenant, "isp.freeze.start")
    assert "operator@example.org" in actor and after["reason"] == "phone call" and after["by_staff"] is True

    listing = staff.get(tenant_path(tenant, "/isp/admin/freezes")).get_data(as_text=True)
    assert "830100" in listing and "End now" in listing

    response = staff.submit(
        tenant_path(tenant, f"/isp/admin/contracts/{made.id}/unfreeze"), {"reason": "back home"}, form_url=form
    )
    assert response.status_code == 302
    with app.app_context(), tenant_scope(tenant.id):
        row = session.get(Freeze, row.id)
        assert (row.status, row.open_slot) == (FINISHED, None)
    [(actor, after)] = events(app, tenant, "isp.freeze.end")
    assert after["reason"] == "back home" and after["by_staff"] is True


def test_a_reason_is_required(app, isp_tenant, catalog, make_contract, make_user, login):
    tenant, made, today, staff = world(app, isp_tenant, catalog, make_contract, make_user, login)
    form = tenant_path(tenant, f"/isp/admin/contracts/{made.id}/freeze")
    response = staff.submit(form, {"starts_on": today.isoformat(), "ends_on": (today + timedelta(days=9)).isoformat()})
    assert response.status_code == 422 and "Enter the reason." in response.get_data(as_text=True)
    with app.app_context(), tenant_scope(tenant.id):
        assert session.scalars(select(Freeze)).all() == []


def test_operator_cancels_a_planned_block_from_the_list(app, isp_tenant, catalog, make_contract, make_user, login):
    tenant, made, today, staff = world(app, isp_tenant, catalog, make_contract, make_user, login)
    first = today + timedelta(days=5)
    form = tenant_path(tenant, f"/isp/admin/contracts/{made.id}/freeze")
    staff.submit(form, {"starts_on": first.isoformat(), "days": "10", "reason": "application 12"})
    listing_url = tenant_path(tenant, "/isp/admin/freezes")
    response = staff.submit(
        tenant_path(tenant, f"/isp/admin/contracts/{made.id}/unfreeze"),
        {"reason": "changed their mind", "next": "list"},
        form_url=listing_url,
        follow_redirects=True,
    )
    assert "the planned block is cancelled" in response.get_data(as_text=True)
    with app.app_context(), tenant_scope(tenant.id):
        assert session.scalars(select(Freeze)).one().status == CANCELLED


def test_staff_cannot_start_in_the_past(app, isp_tenant, catalog, make_contract, make_user, login):
    tenant, made, today, staff = world(app, isp_tenant, catalog, make_contract, make_user, login)
    form = tenant_path(tenant, f"/isp/admin/contracts/{made.id}/freeze")
    response = staff.submit(
        form, {"starts_on": (today - timedelta(days=1)).isoformat(), "days": "10", "reason": "late paperwork"}
    )
    assert response.status_code == 409 and "The start day has passed" in response.get_data(as_text=True)


def test_subscribers_may_not_use_the_operator_pages(app, isp_tenant, catalog, make_contract, login):
    tenant = isp_tenant(locale="en")
    catalog(tenant)
    made = make_contract(tenant, "830101", balance=100000)
    client = login(tenant, made)
    assert client.get(tenant_path(tenant, "/isp/admin/freezes")).status_code == 403
    assert client.get(tenant_path(tenant, f"/isp/admin/contracts/{made.id}/freeze")).status_code == 403


def test_another_tenants_contract_is_404(app, isp_tenant, catalog, make_contract, make_user, login):
    tenant, _made, _today, staff = world(app, isp_tenant, catalog, make_contract, make_user, login)
    other = isp_tenant("isp-other", locale="en")
    catalog(other)
    foreign = make_contract(other, "830200", balance=100000)
    assert staff.get(tenant_path(tenant, f"/isp/admin/contracts/{foreign.id}/freeze")).status_code == 404
