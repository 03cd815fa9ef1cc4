"""Add-ons and TV packages: quote, connect by the start rule, disconnect, bundles, refusals (pages and API)."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import select

from core.api import session, tenant_scope
from core.testing.fixtures import tenant_path
from plugins.isp.common.calendar import tenant_today
from plugins.isp.models import Contract, Product
from plugins.isp.tariffs import addons
from tests.plugins.isp.conftest import as_utc

START = date(2025, 1, 1)


@contextmanager
def scope(app, tenant):
    with app.test_request_context(), tenant_scope(tenant.id):
        yield


def contract(made) -> Contract:
    return session.get(Contract, made.id)


def product(code: str) -> Product:
    return session.scalar(select(Product).where(Product.code == code))


def quote(app, tenant, made, code, action, today):
    with scope(app, tenant):
        q = addons.quote_addon(contract(made), product(code), action, today)
        return q.ok, [r.code for r in q.reasons], q.starts_on, q.last_day, [r.message for r in q.reasons]


def test_an_add_on_starts_by_its_start_rule_and_nothing_is_charged_now(app, isp_tenant, catalog, contract_from):
    tenant = isp_tenant()
    catalog(tenant)
    made = contract_from(tenant, "810100", START, products=("inet100",), balance=100_000)
    today = date(2025, 3, 10)
    assert quote(app, tenant, made, "antivirus", "connect", today)[:3] == (True, [], date(2025, 3, 11))
    assert quote(app, tenant, made, "static_ip", "connect", today)[:3] == (True, [], date(2025, 4, 1))
    with scope(app, tenant):
        for code in ("antivirus", "static_ip"):
            addons.connect(tenant, contract(made), product(code), None, as_utc(today))
        session.commit()
        c = contract(made)
        assert c.account.balance == 100_000
        starts = {s.product.code: s.starts_on for s in c.subscriptions}
        assert starts["antivirus"] == date(2025, 3, 11) and starts["static_ip"] == date(2025, 4, 1)
    assert quote(app, tenant, made, "antivirus", "connect", today)[1] == ["already_connected"]


def test_disconnect_ends_after_today_or_removes_an_order_not_started(app, isp_tenant, catalog, contract_from):
    tenant = isp_tenant()
    catalog(tenant)
    made = contract_from(tenant, "810200", START, products=("inet100", "antivirus"), balance=100_000)
    today = date(2025, 3, 10)
    assert quote(app, tenant, made, "antivirus", "disconnect", today)[:4] == (True, [], None, today)
    with scope(app, tenant):
        addons.disconnect(tenant, contract(made), product("antivirus"), None, as_utc(today))
        addons.connect(tenant, contract(made), product("static_ip"), None, as_utc(today))
        session.commit()
        assert [s.ends_on for s in contract(made).subscriptions if s.product.code == "antivirus"] == [today]
    assert quote(app, tenant, made, "antivirus", "disconnect", today)[1] == ["already_disconnected"]
    # static_ip starts on the 1st of next month: disconnecting it now removes the order.
    ok, _, _, last_day, _ = quote(app, tenant, made, "static_ip", "disconnect", today)
    assert ok and last_day is None
    with scope(app, tenant):
        addons.disconnect(tenant, contract(made), product("static_ip"), None, as_utc(today))
        session.commit()
        assert "static_ip" not in [s.product.code for s in contract(made).subscriptions]
    assert quote(app, tenant, made, "sport", "disconnect", today)[1] == ["not_connected"]


def test_a_bundled_package_cannot_be_removed_alone_and_is_not_connected_twice(app, isp_tenant, catalog, contract_from):
    tenant = isp_tenant()
    catalog(tenant)
    made = contract_from(tenant, "810300", START, products=("inet100", "tvbase"), balance=100_000)
    today = date(2025, 3, 10)
    _ok, codes, _, _, messages = quote(app, tenant, made, "kids", "disconnect", today)
    assert codes == ["bundled"] and "TV Base" in messages[0]
    _ok, codes, _, _, messages = quote(app, tenant, made, "kids", "connect", today)
    assert codes == ["included_in_tariff"] and "TV Base" in messages[0]
    assert quote(app, tenant, made, "sport", "connect", today)[:2] == (True, [])


def test_tv_packages_need_a_tv_tariff_and_blocked_or_legal_contracts_are_refused(
    app, isp_tenant, catalog, make_contract
):
    tenant = isp_tenant()
    catalog(tenant)
    today = tenant_today(tenant)
    plain = make_contract(tenant, "810401", products=("inet100",), balance=100_000)
    blocked = make_contract(tenant, "810402", products=("inet100", "tvbase"), balance=-10_000, blocked=True)
    legal = make_contract(tenant, "810403", products=("biz100",), holder_kind="legal", balance=100_000)
    assert quote(app, tenant, plain, "sport", "connect", today)[1] == ["needs_tv_tariff"]
    assert quote(app, tenant, blocked, "sport", "connect", today)[1] == ["blocked"]
    assert quote(app, tenant, legal, "static_ip", "connect", today)[1] == ["legal_entity"]
    with scope(app, tenant):
        session.get(Product, product("antivirus").id).archived = True
        product("sport").categories = ["wifi"]
        session.commit()
    assert quote(app, tenant, plain, "antivirus", "connect", today)[1] == ["archived"]
    tv = make_contract(tenant, "810404", products=("inet100", "tvbase"), balance=100_000)
    assert quote(app, tenant, tv, "sport", "connect", today)[1] == ["not_offered"]


def test_the_add_on_pages_quote_then_confirm(app, isp_tenant, catalog, make_contract, login):
    tenant = isp_tenant()
    catalog(tenant)
    made = make_contract(tenant, "810500", products=("inet100", "tvbase"), balance=100_000)
    client = login(tenant, made)
    page = client.get(tenant_path(tenant, "/isp/addons")).get_data(as_text=True)
    assert "Sport" in page and "included in «TV Base»" in page
    quote_page = client.get(tenant_path(tenant, "/isp/addons/quote?product=sport&action=connect"))
    text = quote_page.get_data(as_text=True)
    assert quote_page.status_code == 200 and "250.00" in text and "Confirm connection" in text
    response = client.submit(tenant_path(tenant, "/isp/addons/confirm"), {"product": "sport", "action": "connect"})
    assert response.status_code == 302
    again = client.submit(tenant_path(tenant, "/isp/addons/confirm"), {"product": "sport", "action": "connect"})
    assert again.status_code == 409 and 'data-reason="already_connected"' in again.get_data(as_text=True)
    refused = client.submit(tenant_path(tenant, "/isp/addons/confirm"), {"product": "kids", "action": "disconnect"})
    assert refused.status_code == 409 and "TV Base" in refused.get_data(as_text=True)
    # The order has not started yet (it starts tomorrow): disconnecting removes it.
    response = client.submit(tenant_path(tenant, "/isp/addons/confirm"), {"product": "sport", "action": "disconnect"})
    assert response.status_code == 302
    with scope(app, tenant):
        assert "sport" not in [s.product.code for s in contract(made).subscriptions]


def test_the_add_on_api_lists_quotes_connects_and_refuses_bundles(app, isp_tenant, catalog, make_contract, api_token):
    tenant = isp_tenant()
    catalog(tenant)
    made = make_contract(tenant, "810600", products=("inet100", "tvbase"), balance=100_000)
    headers = {"Authorization": f"Bearer {api_token(tenant, made)}"}
    client = app.test_client()
    base = tenant_path(tenant, f"/api/v1/isp/accounts/{made.account_id}/addons")
    listing = client.get(base, headers=headers).get_json()
    assert {"product": "kids", "in": "tvbase"} in [
        {"product": c["product"]["code"], "in": c["included_in"]} for c in listing["connected"]
    ]
    q = client.post(base + "/quote", json={"product": "antivirus"}, headers=headers).get_json()
    assert (
        q["allowed"]
        and q["charged_now"] == 0
        and q["starts_on"] == (tenant_today(tenant) + timedelta(days=1)).isoformat()
    )
    assert client.post(base + "/connect", json={"product": "antivirus"}, headers=headers).status_code == 201
    twice = client.post(base + "/connect", json={"product": "antivirus"}, headers=headers)
    assert twice.status_code == 409 and twice.get_json()["reasons"][0]["code"] == "already_connected"
    bundle = client.post(base + "/disconnect", json={"product": "kids"}, headers=headers)
    assert bundle.status_code == 409 and bundle.get_json()["reasons"][0]["code"] == "bundled"
    assert client.post(base + "/connect", json={"product": "nope"}, headers=headers).status_code == 422


def test_a_next_month_add_on_quote_does_not_contradict_itself(app, isp_tenant, catalog, make_contract, login):
    """Issue #12 point 12: an add-on starting on the 1st says nothing is charged before then, not "until the end of
    that month" beside "charged now: 0"."""
    tenant = isp_tenant()
    catalog(tenant)
    made = make_contract(tenant, "810501", products=("inet100",), balance=100_000)
    client = login(tenant, made)
    page = client.get(tenant_path(tenant, "/isp/addons/quote?product=static_ip&action=connect")).get_data(as_text=True)
    note = re.search(r'data-testid="quote-note">(.*?)</p>', page, re.S).group(1)
    assert "Nothing is charged before" in note and "a month" in note
    assert "until the end of that month" not in page
