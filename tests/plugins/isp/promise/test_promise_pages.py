"""The promised-payment pages: quote then confirm, every refusal in words (en, ru), the operator's list, the API."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from core.api import session, tenant_scope, utcnow
from core.tenants.models import Tenant
from core.testing.fixtures import tenant_path
from plugins.isp.common.calendar import tenant_today, tenant_zone
from plugins.isp.models import ACTIVE, EXPIRED, REPAID, Contract, Freeze, Promise
from plugins.isp.promise import service as promises
from plugins.isp.promise.rules import CODES

CYRILLIC = re.compile("[а-яА-ЯёЁ]")
OLD = 400


def _granted_now(app, tenant, made):
    with app.test_request_context(), tenant_scope(tenant.id):
        promises.grant(session.get(Tenant, tenant.id), session.get(Contract, made.id), None)
        session.commit()


def _frozen(app, tenant, made):
    with app.app_context(), tenant_scope(tenant.id):
        today = tenant_today(session.get(Tenant, tenant.id))
        session.add(
            Freeze(
                contract_id=made.id,
                starts_on=today - timedelta(days=2),
                ends_on=today + timedelta(days=10),
                status=ACTIVE,
                open_slot=made.id,
            )
        )
        session.commit()


def _past_promise(status: str, repaid: bool, days_ago: int):
    def prepare(app, tenant, made):
        granted = utcnow() - timedelta(days=days_ago)
        with app.app_context(), tenant_scope(tenant.id):
            session.add(
                Promise(
                    contract_id=made.id,
                    amount=50000,
                    granted_at=granted,
                    due_at=granted + timedelta(days=3),
                    closed_at=granted + timedelta(days=3),
                    status=status,
                    repaid=repaid,
                )
            )
            session.commit()

    return prepare


def _nothing(app, tenant, made):
    pass


DEBT = {"balance": -20000, "blocked": True}
# code → (settings, make_contract arguments, prepare, words of the English message)
SCENARIOS = {
    "disabled": ({"promise_enabled": False}, DEBT, _nothing, "does not offer a promised payment"),
    "legal_entity": ({}, {**DEBT, "holder_kind": "legal", "products": ("biz100",)}, _nothing, "legal entities"),
    "no_services": ({}, {**DEBT, "products": ()}, _nothing, "no paid services"),
    "already_active": (
        {"promise_frequency": "days", "promise_frequency_days": 1},
        DEBT,
        _granted_now,
        "already active",
    ),
    "frozen": ({}, DEBT, _frozen, "voluntarily blocked"),
    "not_in_debt": ({}, {"balance": 10000}, _nothing, "you do not need a promised payment"),
    "debt_too_large": ({}, {"balance": -60000, "blocked": True}, _nothing, "larger than a promised payment may cover"),
    "amount_too_small": (
        {"promise_amount_kind": "fixed", "promise_amount": 10000},
        DEBT,
        _nothing,
        "would not bring your balance",
    ),
    "account_too_new": ({}, {**DEBT, "opened_days_ago": 5}, _nothing, "available to contracts older than 30 days"),
    "not_repaid": ({}, DEBT, _past_promise(EXPIRED, False, 40), "was not repaid"),
    "too_often": (
        {"promise_frequency": "days", "promise_frequency_days": 30},
        DEBT,
        _past_promise(REPAID, True, 2),
        "once in 30 days",
    ),
}


def reason_text(page: str, code: str) -> str:
    found = re.search(rf'<li data-code="{code}">(.*?)</li>', page, re.S)
    assert found, f"no reason {code!r} on the page"
    return html.unescape(found.group(1))


def test_every_refusal_code_has_a_page_scenario():
    assert set(SCENARIOS) == set(CODES)


@pytest.fixture
def subscriber_page(app, isp_tenant, catalog, make_contract, login):
    """``subscriber_page(code, locale)`` → the promise page a subscriber sees in the scenario of ``code``."""

    def visit(code: str, locale: str) -> str:
        settings, contract_kw, prepare, _english = SCENARIOS[code]
        tenant = isp_tenant(settings=settings, locale=locale)
        catalog(tenant)
        made = make_contract(tenant, "710100", **{"opened_days_ago": OLD, **contract_kw})
        prepare(app, tenant, made)
        response = login(tenant, made).get(tenant_path(tenant, "/isp/promise"))
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert 'data-testid="promise-quote"' not in page  # no confirm button when refused
        return page

    return visit


@pytest.mark.parametrize("code", sorted(SCENARIOS))
def test_refusal_is_shown_in_english(subscriber_page, code):
    page = subscriber_page(code, "en")
    assert SCENARIOS[code][3] in reason_text(page, code)


@pytest.mark.parametrize("code", sorted(SCENARIOS))
def test_refusal_is_shown_in_russian(subscriber_page, code):
    words = reason_text(subscriber_page(code, "ru"), code)
    assert SCENARIOS[code][3] not in words
    assert CYRILLIC.search(words), f"{code}: {words!r} is not in Russian"


def _indebted(isp_tenant, catalog, make_contract, settings=None, number="720100"):
    tenant = isp_tenant(settings=settings, locale="en")
    catalog(tenant)
    made = make_contract(tenant, number, balance=-20000, blocked=True, opened_days_ago=OLD)
    return tenant, made


def test_quote_then_confirm_restores_services(app, isp_tenant, catalog, make_contract, login):
    tenant, made = _indebted(isp_tenant, catalog, make_contract, {"promise_fee": 2000, "promise_days": 5})
    client = login(tenant, made)
    url = tenant_path(tenant, "/isp/promise")

    page = client.get(url).get_data(as_text=True)
    assert 'data-testid="promise-quote"' in page
    for shown in ("500.00\xa0₽", "20.00\xa0₽", "-200.00\xa0₽", "280.00\xa0₽", "Take the promised payment"):
        assert shown in page
    with app.app_context(), tenant_scope(tenant.id):
        assert session.get(Contract, made.id).is_blocked  # nothing happened on GET

    response = client.submit(url, {})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/isp/")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Services are active until" in page
    with app.app_context(), tenant_scope(tenant.id):
        contract = session.get(Contract, made.id)
        assert (contract.is_blocked, contract.account.balance) == (False, 28000)
        promise = promises.active_promise(contract)
        assert promise.due_at - promise.granted_at == timedelta(days=5)


def test_a_second_submit_from_another_tab_is_told_it_is_active(app, isp_tenant, catalog, make_contract, login):
    tenant, made = _indebted(isp_tenant, catalog, make_contract, {"promise_frequency": "days"})
    url = tenant_path(tenant, "/isp/promise")
    first, second = login(tenant, made), login(tenant, made)
    first.get(url)
    second.get(url)  # both tabs show the confirm button
    assert first.submit(url, {}).status_code == 302
    response = second.submit(url, {})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "already active until" in reason_text(page, "already_active")
    assert 'data-testid="promise-active"' in page
    with app.app_context(), tenant_scope(tenant.id):
        assert session.get(Contract, made.id).account.balance == 30000  # credited once


def test_a_login_without_a_contract_gets_a_friendly_page(isp_tenant, make_user, login):
    tenant = isp_tenant(locale="en")
    user = make_user(tenant, "someone", roles=("subscriber",))
    page = login(tenant, user).get(tenant_path(tenant, "/isp/promise")).get_data(as_text=True)
    assert "No internet or TV contract" in page


def test_operators_see_active_and_overdue_promises(app, isp_tenant, catalog, make_contract, make_user, login):
    tenant = isp_tenant(locale="en")
    catalog(tenant)
    active = make_contract(tenant, "730001", balance=-20000, blocked=True, opened_days_ago=OLD)
    overdue = make_contract(tenant, "730002", balance=-20000, blocked=True, opened_days_ago=OLD)
    repaid = make_contract(tenant, "730003", balance=-20000, blocked=True, opened_days_ago=OLD)
    _granted_now(app, tenant, active)
    _past_promise(EXPIRED, False, 10)(app, tenant, overdue)
    _past_promise(REPAID, True, 10)(app, tenant, repaid)
    operator = make_user(tenant, "operator", roles=("operator",))
    client = login(tenant, operator)
    url = tenant_path(tenant, "/isp/admin/promises")

    def numbers(show: str | None) -> set[str]:
        page = client.get(url + (f"?show={show}" if show else "")).get_data(as_text=True)
        return set(re.findall(r"73000\d", page))

    assert numbers(None) == {"730001", "730002"}
    assert numbers("active") == {"730001"}
    assert numbers("overdue") == {"730002"}
    assert numbers("all") == {"730001", "730002", "730003"}
    page = client.get(url + "?show=all").get_data(as_text=True)
    assert "1–3 of 3" in page and 'rel="next"' not in page
    subscriber = login(tenant, active)
    assert subscriber.get(url).status_code == 403


# --- API -----------------------------------------------------------------------------------------


def test_api_quote_grant_and_refusal(app, isp_tenant, catalog, make_contract, api_token):
    tenant, made = _indebted(isp_tenant, catalog, make_contract)
    headers = {"Authorization": f"Bearer {api_token(tenant, made)}"}
    client = app.test_client()
    url = tenant_path(tenant, f"/api/v1/isp/accounts/{made.account_id}/promise")

    quote = client.get(url, headers=headers).get_json()
    assert quote["ok"] is True and quote["reasons"] == [] and quote["active"] is None
    assert (quote["amount"], quote["fee"], quote["balance"], quote["balance_after"]) == (50000, 0, -20000, 30000)

    response = client.post(url, headers=headers)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["amount"], body["status"]) == (50000, "active")

    response = client.post(url, headers=headers)
    assert response.status_code == 409
    refused = response.get_json()
    assert refused["code"] == "refused"
    assert [r["code"] for r in refused["reasons"]] == ["already_active"]
    assert "already active" in refused["reasons"][0]["message"]
    quote = client.get(url, headers=headers).get_json()
    assert quote["ok"] is False and quote["active"]["id"] == body["id"]


def test_api_answers_404_for_another_account(app, isp_tenant, catalog, make_contract, api_token):
    tenant, made = _indebted(isp_tenant, catalog, make_contract)
    other = make_contract(tenant, "720200", balance=-20000, blocked=True, opened_days_ago=OLD)
    headers = {"Authorization": f"Bearer {api_token(tenant, made)}"}
    client = app.test_client()
    url = tenant_path(tenant, f"/api/v1/isp/accounts/{other.account_id}/promise")
    assert client.get(url, headers=headers).status_code == 404
    assert client.post(url, headers=headers).status_code == 404
    with app.app_context(), tenant_scope(tenant.id):
        assert session.get(Contract, other.id).account.balance == -20000


def test_history_names_the_promised_payment_and_its_date(app, isp_tenant, catalog, make_contract, login):
    """Issue #12 point 5: "Обещанный платёж до 7 декабря" in the history, in the viewer's language; no English memo."""
    tenant, made = _indebted(isp_tenant, catalog, make_contract, {"promise_fee": 2000, "promise_days": 5})
    _granted_now(app, tenant, made)
    with app.app_context(), tenant_scope(tenant.id):
        promise = promises.active_promise(session.get(Contract, made.id))
        due = promise.due_at.astimezone(tenant_zone(session.get(Tenant, tenant.id))).date()
    client = login(tenant, made)
    page = html.unescape(client.get(tenant_path(tenant, "/money/history")).get_data(as_text=True))
    assert f"Promised payment until {due:%B} {due.day}" in page and "Promised payment fee" in page
    client.set_cookie("abonent_lang", "ru")
    page = html.unescape(client.get(tenant_path(tenant, "/money/history")).get_data(as_text=True))
    months = [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ]
    assert f"Обещанный платёж до {due.day} {months[due.month - 1]}" in page
    assert "Плата за обещанный платёж" in page
    assert "Promised payment until" not in page
