"""Legal entities: tariffs read-only, no direct change (page and API), a written application in the operators'
support queue, and the operator applies it."""

from __future__ import annotations

from sqlalchemy import select

from core.api import session, tenant_scope
from core.testing.fixtures import tenant_path
from plugins.isp.common.calendar import first_of_next_month, tenant_today
from plugins.isp.models import Contract, TariffChange


def _codes_on(app, tenant, made, day) -> list[str]:
    with app.app_context(), tenant_scope(tenant.id):
        contract = session.get(Contract, made.id)
        return sorted(s.product.code for s in contract.subscriptions if s.covers(day))


def test_a_legal_entity_reads_tariffs_but_cannot_change_them_on_the_page_or_in_the_api(
    app, isp_tenant, catalog, make_contract, login, api_token
):
    tenant = isp_tenant(settings={"tariff_change_timing": "immediately"})
    catalog(tenant)
    legal = make_contract(tenant, "830100", products=("biz100",), holder_kind="legal", balance=500_000)
    client = login(tenant, legal)
    page = client.get(tenant_path(tenant, "/isp/tariffs")).get_data(as_text=True)
    assert "Business 100" in page and "1,500.00" in page and "100 Mbit/s" in page  # conditions are readable
    assert "Apply for a change" in page and "Choose</a>" not in page
    refused = client.submit(tenant_path(tenant, "/isp/tariffs/confirm"), {"tariff": "inet300"})
    assert refused.status_code == 409 and 'data-reason="legal_entity"' in refused.get_data(as_text=True)
    addon = client.submit(tenant_path(tenant, "/isp/addons/confirm"), {"product": "static_ip", "action": "connect"})
    assert addon.status_code == 409 and 'data-reason="legal_entity"' in addon.get_data(as_text=True)

    headers = {"Authorization": f"Bearer {api_token(tenant, legal)}"}
    api = app.test_client()
    base = tenant_path(tenant, f"/api/v1/isp/accounts/{legal.account_id}")
    listed = api.get(base + "/tariffs", headers=headers).get_json()
    assert listed["legal_entity"] is True and "biz100" in [p["code"] for p in listed["catalogue"]]
    for url, body in (
        ("/tariffs/change", {"tariff": "inet300"}),
        ("/addons/connect", {"product": "static_ip"}),
        ("/addons/disconnect", {"product": "static_ip"}),
    ):
        answer = api.post(base + url, json=body, headers=headers)
        assert answer.status_code == 409, url
        assert answer.get_json()["reasons"][0]["code"] == "legal_entity"
        assert "written application" in answer.get_json()["reasons"][0]["message"]
    assert api.delete(base + "/tariffs/change", headers=headers).status_code == 409
    today = _today(app, tenant)
    assert _codes_on(app, tenant, legal, today) == ["biz100"]
    with app.app_context(), tenant_scope(tenant.id):
        assert session.scalar(select(TariffChange).where(TariffChange.contract_id == legal.id)) is None


def _today(app, tenant):
    with app.app_context():
        return tenant_today(tenant)


def test_the_application_reaches_the_operator_queue_and_the_operator_applies_it(
    app, isp_tenant, catalog, make_contract, make_user, login
):
    tenant = isp_tenant()
    catalog(tenant)
    legal = make_contract(tenant, "830200", products=("biz100",), holder_kind="legal", balance=500_000)
    client = login(tenant, legal)
    form = client.get(tenant_path(tenant, "/isp/application")).get_data(as_text=True)
    assert 'value="static_ip"' in form and 'value="wifi50"' not in form  # only what is offered to it
    empty = client.submit(tenant_path(tenant, "/isp/application"), {"comment": ""})
    assert empty.status_code == 422
    sent = client.submit(
        tenant_path(tenant, "/isp/application"), {"products": ["static_ip"], "comment": "From the 1st, please."}
    )
    text = sent.get_data(as_text=True)
    assert sent.status_code == 200 and "is registered" in text and "signed" in text

    operator = make_user(tenant, "operator-830", roles=("operator",))
    staff = login(tenant, operator)
    queue = staff.get(tenant_path(tenant, "/admin/support/")).get_data(as_text=True)
    assert "Application to change services, contract 830200" in queue

    # The operator applies it on the contract's tariff page: a service and a tariff from the 1st.
    url = tenant_path(tenant, f"/isp/admin/contracts/{legal.id}/tariff")
    assert "Business 100" in staff.get(url).get_data(as_text=True)
    today = _today(app, tenant)
    first = first_of_next_month(today)
    response = staff.submit(url, {"action": "connect", "product": "static_ip", "starts_on": first.isoformat()})
    assert response.status_code == 302
    response = staff.submit(url, {"action": "tariff", "product": "inet300", "effective_on": first.isoformat()})
    assert response.status_code == 302
    assert _codes_on(app, tenant, legal, today) == ["biz100"]
    assert _codes_on(app, tenant, legal, first) == ["inet300", "static_ip"]
    with app.app_context(), tenant_scope(tenant.id):
        from core.audit.models import AuditEvent

        actions = set(session.scalars(select(AuditEvent.action)))
        assert {"isp.tariff_change.operator", "isp.addon.operator_connect"} <= actions
    # A subscriber may not use the operator page.
    assert client.get(url).status_code == 403
