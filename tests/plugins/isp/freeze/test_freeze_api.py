"""The voluntary block in the API: rules, quote, start (409 with reasons when refused), end or cancel."""

from __future__ import annotations

from datetime import timedelta

from core.api import session, tenant_scope
from core.testing.fixtures import tenant_path
from plugins.isp.common.calendar import tenant_today
from plugins.isp.models import Freeze


def freeze_url(tenant, made, tail: str = "") -> str:
    return tenant_path(tenant, f"/api/v1/isp/accounts/{made.account_id}/freeze{tail}")


def setup(app, isp_tenant, catalog, make_contract, api_token, settings=None, **contract):
    tenant = isp_tenant(settings=settings, locale="en")
    catalog(tenant)
    made = make_contract(tenant, "820100", balance=contract.pop("balance", 100000), **contract)
    with app.app_context():
        today = tenant_today(tenant)
    headers = {"Authorization": f"Bearer {api_token(tenant, made)}"}
    return tenant, made, today, headers


def test_rules_quote_start_and_cancel(app, client, isp_tenant, catalog, make_contract, api_token):
    settings = {"freeze_fee_kind": "once", "freeze_fee": 5000, "freeze_min_days": 5}
    tenant, made, today, headers = setup(app, isp_tenant, catalog, make_contract, api_token, settings)
    url = freeze_url(tenant, made)

    state = client.get(url, headers=headers).get_json()
    assert state["freeze"] is None and state["earliest_start"] == today.isoformat()
    assert state["rules"]["min_days"] == 5 and state["rules"]["fee_kind"] == "once"

    first = today + timedelta(days=3)
    quote = client.post(url + "/quote", json={"starts_on": first.isoformat(), "days": 10}, headers=headers)
    body = quote.get_json()
    assert quote.status_code == 200 and body["ok"] is True
    assert body["ends_on"] == (first + timedelta(days=9)).isoformat() and body["fee_total"] == 5000
    assert {s["code"] for s in body["services"]} == {"inet100"}

    started = client.post(url, json={"starts_on": first.isoformat(), "days": 10}, headers=headers)
    assert started.status_code == 201 and started.get_json()["status"] == "scheduled"
    state = client.get(url, headers=headers).get_json()
    assert state["freeze"]["starts_on"] == first.isoformat() and state["can_end"] is True

    again = client.post(url, json={"starts_on": first.isoformat(), "days": 10}, headers=headers)
    assert again.status_code == 409
    assert again.get_json()["code"] == "refused"
    assert [r["code"] for r in again.get_json()["reasons"]] == ["already_frozen"]

    cancelled = client.delete(url, headers=headers)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert client.delete(url, headers=headers).get_json()["reasons"][0]["code"] == "not_frozen"


def test_a_refused_quote_names_its_reasons_in_words(app, client, isp_tenant, catalog, make_contract, api_token):
    tenant, made, today, headers = setup(
        app, isp_tenant, catalog, make_contract, api_token, {"freeze_min_days": 7, "freeze_min_balance": 200000}
    )
    body = client.post(
        freeze_url(tenant, made, "/quote"),
        json={"starts_on": today.isoformat(), "days": 3},
        headers=headers,
    ).get_json()
    assert body["ok"] is False
    assert {r["code"] for r in body["reasons"]} == {"too_short", "low_balance"}
    assert all(r["message"] for r in body["reasons"])


def test_bad_input_is_422(app, client, isp_tenant, catalog, make_contract, api_token):
    tenant, made, today, headers = setup(app, isp_tenant, catalog, make_contract, api_token)
    url = freeze_url(tenant, made)
    assert client.post(url, json={"starts_on": today.isoformat()}, headers=headers).status_code == 422
    assert client.post(url, json={"starts_on": "tomorrow", "days": 5}, headers=headers).status_code == 422
    with app.app_context(), tenant_scope(tenant.id):
        assert session.query(Freeze).count() == 0


def test_a_running_block_cannot_be_ended_too_early(app, client, isp_tenant, catalog, make_contract, api_token):
    tenant, made, today, headers = setup(
        app, isp_tenant, catalog, make_contract, api_token, {"freeze_unfreeze_min_days": 3}
    )
    url = freeze_url(tenant, made)
    assert client.post(url, json={"starts_on": today.isoformat(), "days": 10}, headers=headers).status_code == 201
    state = client.get(url, headers=headers).get_json()
    assert state["freeze"]["status"] == "active" and state["can_end"] is False
    assert state["end_refusal"]["code"] == "unfreeze_too_early"
    refused = client.delete(url, headers=headers)
    assert refused.status_code == 409 and refused.get_json()["reasons"][0]["code"] == "unfreeze_too_early"


def test_another_users_account_is_404_even_with_a_bad_body(app, client, isp_tenant, catalog, make_contract, api_token):
    tenant, made, today, headers = setup(app, isp_tenant, catalog, make_contract, api_token)
    other = make_contract(tenant, "820101", balance=100000)
    assert client.get(freeze_url(tenant, other), headers=headers).status_code == 404
    for tail in ("", "/quote"):
        response = client.post(freeze_url(tenant, other, tail), json={"starts_on": "tomorrow"}, headers=headers)
        assert response.status_code == 404 and response.is_json, tail
    period = {"starts_on": today.isoformat(), "days": 10}
    assert client.post(freeze_url(tenant, other), json=period, headers=headers).status_code == 404
    assert client.delete(freeze_url(tenant, other), headers=headers).status_code == 404
    assert client.get(freeze_url(tenant, made), headers=headers).status_code == 200
    with app.app_context(), tenant_scope(tenant.id):
        assert session.query(Freeze).count() == 0
