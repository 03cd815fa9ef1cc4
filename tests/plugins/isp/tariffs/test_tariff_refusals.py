"""Which tariffs a subscriber may switch to (matrix or same category); every refusal in words, page and API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from core.api import session, tenant_scope
from core.testing.fixtures import tenant_path
from plugins.isp.common.calendar import tenant_today
from plugins.isp.models import ACTIVE, Freeze, Product


@pytest.mark.parametrize(("rule", "expected"), [("matrix", ["inet300"]), ("same_category", ["inet300", "inet500"])])
def test_the_tenant_rule_decides_which_tariffs_are_offered(
    app, isp_tenant, catalog, make_contract, api_token, rule, expected
):
    tenant = isp_tenant(settings={"tariff_change_rule": rule})
    catalog(tenant)
    made = make_contract(tenant, "820100", products=("inet100",), balance=100_000)
    headers = {"Authorization": f"Bearer {api_token(tenant, made)}"}
    body = (
        app.test_client()
        .get(tenant_path(tenant, f"/api/v1/isp/accounts/{made.account_id}/tariffs"), headers=headers)
        .get_json()
    )
    assert body["rule"] == rule and body["timing"] == "next_period" and body["legal_entity"] is False
    options = body["current"][0]["options"]
    assert [o["tariff"]["code"] for o in options] == expected
    assert all(o["allowed"] for o in options)


def _quote_reasons(client, tenant, code: str) -> str:
    response = client.get(tenant_path(tenant, f"/isp/tariffs/quote?tariff={code}"))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_every_tariff_change_refusal_is_reachable_and_shown_in_words(
    app, isp_tenant, catalog, make_contract, login, api_token
):
    tenant = isp_tenant(settings={"tariff_change_rule": "matrix", "tariff_change_fee_up": 5000})
    catalog(tenant)
    rich = make_contract(tenant, "820201", products=("inet100",), balance=100_000)
    poor = make_contract(tenant, "820202", products=("inet100",), balance=1000)
    blocked = make_contract(tenant, "820203", products=("inet100",), balance=-10_000, blocked=True)
    frozen = make_contract(tenant, "820204", products=("inet100",), balance=100_000)
    legal = make_contract(tenant, "820205", products=("biz100",), holder_kind="legal", balance=100_000)
    with app.app_context(), tenant_scope(tenant.id):
        today = tenant_today(tenant)
        session.add(
            Freeze(
                contract_id=frozen.id,
                starts_on=today - timedelta(days=2),
                ends_on=today + timedelta(days=10),
                status=ACTIVE,
                open_slot=frozen.id,
            )
        )
        session.commit()

    cases = [
        (rich, "inet100", "same_tariff", "This is your tariff already"),
        (rich, "inet500", "not_allowed", "is not possible"),
        (rich, "old60", "archived", "no longer offered"),
        (rich, "wifi50", "not_offered", "is not offered to subscribers like you"),
        (rich, "tvmax", "no_current_tariff", "You have no TV tariff"),
        (poor, "inet300", "insufficient_funds", "Top up by 40.00\xa0₽"),
        (blocked, "inet300", "blocked", "Top up the account or take a promised payment"),
        (frozen, "inet300", "frozen", "End the voluntary block first"),
        (legal, "inet300", "legal_entity", "written application"),
    ]
    for made, code, reason, words in cases:
        page = _quote_reasons(login(tenant, made), tenant, code)
        assert f'data-reason="{reason}"' in page, (code, reason)
        assert words in page, (code, words)
        assert "Confirm the change" not in page

    # pending_change: after one change is ordered, the next is refused with the ordered tariff named.
    client = login(tenant, rich)
    assert client.submit(tenant_path(tenant, "/isp/tariffs/confirm"), {"tariff": "inet300"}).status_code == 302
    with app.app_context(), tenant_scope(tenant.id):
        session.execute(update(Product).values(allowed_changes=["inet300", "inet500"]))
        session.commit()
    page = _quote_reasons(client, tenant, "inet500")
    assert 'data-reason="pending_change"' in page and "Home 300" in page

    # The API answers the same codes with their words.
    headers = {"Authorization": f"Bearer {api_token(tenant, poor)}"}
    answer = app.test_client().post(
        tenant_path(tenant, f"/api/v1/isp/accounts/{poor.account_id}/tariffs/change"),
        json={"tariff": "inet300"},
        headers=headers,
    )
    assert answer.status_code == 409
    body = answer.get_json()
    assert body["code"] == "refused" and body["reasons"][0]["code"] == "insufficient_funds"
    assert "Top up" in body["reasons"][0]["message"]


def test_the_tariff_api_quotes_confirms_once_and_cancels(app, isp_tenant, catalog, make_contract, api_token):
    tenant = isp_tenant(settings={"tariff_change_fee_up": 5000})
    catalog(tenant)
    made = make_contract(tenant, "820300", products=("inet100",), balance=100_000)
    headers = {"Authorization": f"Bearer {api_token(tenant, made)}"}
    client = app.test_client()
    base = tenant_path(tenant, f"/api/v1/isp/accounts/{made.account_id}/tariffs")
    quote = client.post(base + "/quote", json={"tariff": "inet300"}, headers=headers).get_json()
    assert quote["allowed"] and quote["fee"] == 5000 and quote["charged_now"] == 5000 and quote["direction"] == "up"
    first = client.post(base + "/change", json={"tariff": "inet300"}, headers=headers)
    assert first.status_code == 201 and first.get_json()["status"] == "pending"
    assert first.get_json()["effective_on"] == quote["effective_on"]
    second = client.post(base + "/change", json={"tariff": "inet300"}, headers=headers)
    assert second.status_code == 409 and second.get_json()["reasons"][0]["code"] == "pending_change"
    listed = client.get(base, headers=headers).get_json()
    assert listed["pending_change"]["to_tariff"]["code"] == "inet300"
    cancelled = client.delete(base + "/change", headers=headers)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert client.delete(base + "/change", headers=headers).status_code == 409
    assert client.post(base + "/quote", json={"tariff": "nope"}, headers=headers).status_code == 422
    money = client.get(tenant_path(tenant, f"/api/v1/accounts/{made.account_id}"), headers=headers).get_json()
    assert money["balance"] == 100_000
