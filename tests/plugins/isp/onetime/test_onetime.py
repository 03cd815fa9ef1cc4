"""One-time services: the operator keeps a catalogue; a subscriber orders one with a visit time, the price is
charged at once, and a technician visit is requested for the operators."""

from __future__ import annotations

import re

from sqlalchemy import select

from core.api import PersonalAccount, session, tenant_scope
from core.testing.fixtures import tenant_path
from core.visits.models import VisitRequest
from plugins.isp.models import OneTimeOrder


def _add_cctv(staff, tenant, price="4 500"):
    url = tenant_path(tenant, "/isp/admin/onetime/new")
    return staff.submit(
        url,
        {
            "code": "cctv",
            "title": "Установка видеонаблюдения",
            "description": "Две камеры и регистратор",
            "price": price,
            "needs_visit": "true",
            "position": "10",
        },
    )


def _first_slot(page: str) -> str:
    return re.search(r'<option value="(\d{4}-\d{2}-\d{2}\|[0-9-]+)"', page).group(1)


def test_a_subscriber_orders_video_surveillance_with_a_visit_time_and_pays_from_the_balance(
    app, isp_tenant, catalog, make_contract, make_user, login
):
    tenant = isp_tenant()
    catalog(tenant)
    staff = login(tenant, make_user(tenant, "operator-860", roles=("operator",)))
    assert _add_cctv(staff, tenant).status_code == 302
    listed = staff.get(tenant_path(tenant, "/isp/admin/onetime")).get_data(as_text=True)
    assert "Установка видеонаблюдения" in listed and "4,500.00" in listed

    made = make_contract(tenant, "860100", balance=1_000_000)
    client = login(tenant, made)
    services = client.get(tenant_path(tenant, "/isp/")).get_data(as_text=True)
    assert "Order a service" in services
    page = client.get(tenant_path(tenant, "/isp/onetime")).get_data(as_text=True)
    assert "Установка видеонаблюдения" in page and "Две камеры и регистратор" in page
    slot = _first_slot(page)
    with app.app_context(), tenant_scope(tenant.id):
        service_id = session.scalar(select(OneTimeOrder.id)) or None
        assert service_id is None
        from plugins.isp.models import OneTimeService

        service_id = session.scalar(select(OneTimeService.id).where(OneTimeService.code == "cctv"))
    ordered = client.submit(
        tenant_path(tenant, f"/isp/onetime/{service_id}"),
        {"slot": slot, "address": "ул. Ленина, 1, кв. 5", "comment": "Домофон не работает, звоните"},
        form_url=tenant_path(tenant, "/isp/onetime"),
        follow_redirects=True,
    )
    text = ordered.get_data(as_text=True)
    assert "is ordered and paid" in text and "will confirm the technician" in text
    assert 'data-testid="onetime-orders"' in text and "Visit request" in text

    with app.app_context(), tenant_scope(tenant.id):
        assert session.get(PersonalAccount, made.account_id).balance == 1_000_000 - 450_000
        order = session.scalar(select(OneTimeOrder))
        visit = session.get(VisitRequest, order.visit_id)
        day, window = slot.split("|")
        assert visit.reason == "ordered_service" and visit.status == "requested"
        assert visit.preferred == [{"date": day, "window": window}] and visit.address == "ул. Ленина, 1, кв. 5"
        assert "Установка видеонаблюдения" in visit.description and "Домофон" in visit.description
        visit_id = visit.id

    receipt = client.get(tenant_path(tenant, "/money/receipt")).get_data(as_text=True)
    assert "Установка видеонаблюдения" in receipt  # the charge has the service's name, not a code
    visit_page = staff.get(tenant_path(tenant, f"/admin/visits/{visit_id}")).get_data(as_text=True)
    assert "Ordered service" in visit_page and "Установка видеонаблюдения" in visit_page
    orders = staff.get(tenant_path(tenant, "/isp/admin/onetime")).get_data(as_text=True)
    assert "860100" in orders


def test_an_order_is_refused_with_the_reason_when_money_or_the_time_is_missing(
    app, isp_tenant, catalog, make_contract, make_user, login
):
    tenant = isp_tenant()
    catalog(tenant)
    staff = login(tenant, make_user(tenant, "operator-861", roles=("operator",)))
    _add_cctv(staff, tenant)
    with app.app_context(), tenant_scope(tenant.id):
        from plugins.isp.models import OneTimeService

        service_id = session.scalar(select(OneTimeService.id))
    poor = login(tenant, make_contract(tenant, "860200", balance=100_000))
    page = poor.get(tenant_path(tenant, "/isp/onetime")).get_data(as_text=True)
    refused = poor.submit(
        tenant_path(tenant, f"/isp/onetime/{service_id}"),
        {"slot": _first_slot(page), "address": "ул. Мира, 2"},
        form_url=tenant_path(tenant, "/isp/onetime"),
    )
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "please pay" in text and "3,500.00" in text
    rich = login(tenant, make_contract(tenant, "860300", balance=1_000_000))
    no_slot = rich.submit(
        tenant_path(tenant, f"/isp/onetime/{service_id}"), {"slot": ""}, form_url=tenant_path(tenant, "/isp/onetime")
    )
    assert no_slot.status_code == 400 and "Choose a day and time for the technician" in no_slot.get_data(as_text=True)
    forged = rich.submit(
        tenant_path(tenant, f"/isp/onetime/{service_id}"),
        {"slot": "2020-01-01|09-12"},
        form_url=tenant_path(tenant, "/isp/onetime"),
    )
    assert forged.status_code == 400
    with app.app_context(), tenant_scope(tenant.id):
        assert session.scalar(select(OneTimeOrder)) is None  # nothing charged, nothing booked

    legal = login(tenant, make_contract(tenant, "860400", holder_kind="legal", products=("biz100",), balance=10**7))
    legal_page = legal.get(tenant_path(tenant, "/isp/onetime")).get_data(as_text=True)
    assert "written application" in legal_page and "Order for" not in legal_page


def test_the_catalogue_form_refuses_a_bad_price_and_the_subscriber_cannot_open_it(
    app, isp_tenant, catalog, make_contract, make_user, login
):
    tenant = isp_tenant()
    staff = login(tenant, make_user(tenant, "operator-862", roles=("operator",)))
    bad = _add_cctv(staff, tenant, price="много")
    assert bad.status_code == 400 and "Enter the price in rubles" in bad.get_data(as_text=True)
    catalog(tenant)
    subscriber = login(tenant, make_contract(tenant, "860500"))
    assert subscriber.get(tenant_path(tenant, "/isp/admin/onetime")).status_code == 403


def test_the_mobile_app_lists_and_orders_one_time_services(
    app, isp_tenant, catalog, make_contract, make_user, login, api_token
):
    tenant = isp_tenant()
    catalog(tenant)
    _add_cctv(login(tenant, make_user(tenant, "operator-863", roles=("operator",))), tenant)
    made = make_contract(tenant, "860600", balance=1_000_000)
    headers = {"Authorization": f"Bearer {api_token(tenant, made)}"}
    api = app.test_client()
    base = tenant_path(tenant, f"/api/v1/isp/accounts/{made.account_id}/onetime")
    listed = api.get(base, headers=headers).get_json()
    item = listed["services"][0]
    assert item["title"] == "Установка видеонаблюдения" and item["price"] == 450_000 and listed["slots"]
    refused = api.post(f"{base}/{item['id']}", json={"slot": ""}, headers=headers)
    assert refused.status_code == 409 and refused.get_json()["reasons"][0]["code"] == "slot"
    ordered = api.post(
        f"{base}/{item['id']}", json={"slot": listed["slots"][0], "address": "ул. Мира, 3"}, headers=headers
    )
    assert ordered.status_code == 201 and ordered.get_json()["visit_id"]
    assert api.get(base, headers=headers).get_json()["orders"][0]["title"] == "Установка видеонаблюдения"
