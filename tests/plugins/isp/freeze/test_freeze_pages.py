"""The subscriber's voluntary-block page: rules up front, quote then confirm, every refusal in words (en, ru)."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.api import session, tenant_scope
from core.testing.fixtures import tenant_path
from plugins.isp.common.calendar import tenant_today
from plugins.isp.contracts.state import S_FROZEN, service_states
from plugins.isp.freeze import service as freezes
from plugins.isp.models import ACTIVE, FINISHED, Contract, Freeze

CYRILLIC = re.compile("[А-Яа-яЁё]")


def today_of(app, tenant):
    with app.app_context():
        return tenant_today(tenant)


def add_freeze(app, tenant, made, first, last, status):
    with app.app_context(), tenant_scope(tenant.id):
        slot = made.id if status == ACTIVE else None
        session.add(Freeze(contract_id=made.id, starts_on=first, ends_on=last, status=status, open_slot=slot))
        session.commit()


def reason_text(page: str, code: str) -> str:
    """The words shown for refusal ``code`` (an element marked ``data-code``, or the error notice)."""
    found = re.search(rf'data-code="{code}"[^>]*>(.*?)<', page, re.S)
    if found is None:
        found = re.search(r'class="flash flash-error"[^>]*>(.*?)</p>', page, re.S)
    assert found is not None, f"no words for {code} on the page"
    return html.unescape(found.group(1)).strip()


def quote_form(starts_on, days=None, ends_on=None):
    data = {"action": "quote", "starts_on": starts_on.isoformat()}
    if ends_on is not None:
        data["ends_on"] = ends_on.isoformat()
    else:
        data["days"] = str(days)
    return data


# code → (settings, contract fields, prepare(app, tenant, made, today), request(client, url, today), English words)
def _get(client, url, today):
    return client.get(url)


def _quote(first, days=None, last=None):
    def send(client, url, today):
        return client.submit(
            url,
            quote_form(
                today + timedelta(days=first),
                days=days,
                ends_on=today + timedelta(days=last) if last is not None else None,
            ),
        )

    return send


def _end(client, url, today):
    return client.submit(url, {"action": "end"}, follow_redirects=True)


def _nothing(app, tenant, made, today):
    return None


def _finished_recently(app, tenant, made, today):
    add_freeze(app, tenant, made, today - timedelta(days=20), today - timedelta(days=5), FINISHED)


def _running(app, tenant, made, today):
    add_freeze(app, tenant, made, today, today + timedelta(days=20), ACTIVE)


SCENARIOS = {
    freezes.DISABLED: (
        {"freeze_enabled": False},
        {},
        _nothing,
        _get,
        "This provider does not offer the voluntary block.",
    ),
    freezes.LEGAL_ENTITY: (
        {},
        {"holder_kind": "legal", "products": ("biz100",)},
        _nothing,
        _get,
        "Legal entities cannot block services themselves",
    ),
    freezes.BLOCKED_FOR_DEBT: (
        {"freeze_min_balance": -100000},
        {"balance": -5000, "blocked": True},
        _nothing,
        _get,
        "Pay the debt first",
    ),
    freezes.LOW_BALANCE: (
        {"freeze_min_balance": 200000},
        {},
        _nothing,
        _get,
        "the balance must be at least",
    ),
    freezes.START_IN_PAST: ({}, {}, _nothing, _quote(-1, days=10), "The start day has passed"),
    freezes.START_TOO_FAR: (
        {"freeze_max_start_ahead_days": 5},
        {},
        _nothing,
        _quote(6, days=10),
        "The block can start no later than",
    ),
    freezes.END_BEFORE_START: ({}, {}, _nothing, _quote(5, last=4), "The last day must not be before the first day."),
    freezes.TOO_SHORT: ({"freeze_min_days": 7}, {}, _nothing, _quote(0, days=6), "must last at least 7 days"),
    freezes.TOO_LONG: ({"freeze_max_days": 30}, {}, _nothing, _quote(0, days=31), "can last at most 30 days"),
    freezes.NO_SERVICES: ({}, {"products": ()}, _nothing, _quote(0, days=10), "There are no services to block"),
    freezes.COOLDOWN: (
        {"freeze_cooldown_days": 30},
        {},
        _finished_recently,
        _quote(0, days=10),
        "the next one can start from",
    ),
    freezes.ALREADY_FROZEN: ({}, {}, _running, _quote(25, days=10), "A voluntary block is already planned or running"),
    freezes.NOT_FROZEN: ({}, {}, _nothing, _end, "There is no voluntary block to end."),
    freezes.SELF_UNFREEZE_OFF: (
        {"freeze_self_unfreeze": False},
        {},
        _running,
        _get,
        "Only the provider can end a voluntary block early",
    ),
    freezes.UNFREEZE_TOO_EARLY: (
        {"freeze_unfreeze_min_days": 3},
        {},
        _running,
        _get,
        "You can end the block yourself from",
    ),
}

ALL_CODES = [
    freezes.DISABLED,
    freezes.LEGAL_ENTITY,
    freezes.BLOCKED_FOR_DEBT,
    freezes.ALREADY_FROZEN,
    freezes.START_IN_PAST,
    freezes.START_TOO_FAR,
    freezes.END_BEFORE_START,
    freezes.TOO_SHORT,
    freezes.TOO_LONG,
    freezes.COOLDOWN,
    freezes.LOW_BALANCE,
    freezes.NO_SERVICES,
    freezes.NOT_FROZEN,
    freezes.SELF_UNFREEZE_OFF,
    freezes.UNFREEZE_TOO_EARLY,
]


def test_every_refusal_code_has_a_page_scenario():
    assert set(freezes.START_REFUSALS + freezes.END_REFUSALS) == set(ALL_CODES) == set(SCENARIOS)


@pytest.fixture
def subscriber_page(app, isp_tenant, catalog, make_contract, login):
    """``subscriber_page(code, locale)`` → the freeze page a subscriber sees in the scenario of ``code``."""

    def visit(code: str, locale: str):
        settings, contract_kw, prepare, send, _english = SCENARIOS[code]
        tenant = isp_tenant(settings=settings, locale=locale)
        catalog(tenant)
        contract_kw = {"balance": 100000, **contract_kw}
        made = make_contract(tenant, "810100", **contract_kw)
        today = today_of(app, tenant)
        prepare(app, tenant, made, today)
        client = login(tenant, made)
        response = send(client, tenant_path(tenant, "/isp/freeze"), today)
        assert response.status_code in (200, 409, 422)
        return response.get_data(as_text=True)

    return visit


@pytest.mark.parametrize("code", ALL_CODES)
def test_refusal_is_shown_in_english(subscriber_page, code):
    page = subscriber_page(code, "en")
    assert SCENARIOS[code][4] in reason_text(page, code)


@pytest.mark.parametrize("code", ALL_CODES)
def test_refusal_is_shown_in_russian(subscriber_page, code):
    page = subscriber_page(code, "ru")
    words = reason_text(page, code)
    assert SCENARIOS[code][4] not in words
    assert CYRILLIC.search(words), f"{code}: {words!r} is not in Russian"


def test_the_page_explains_the_rules_before_anything_is_chosen(app, isp_tenant, catalog, make_contract, login):
    settings = {
        "freeze_min_days": 7,
        "freeze_max_days": 60,
        "freeze_fee_kind": "once",
        "freeze_fee": 15000,
        "freeze_cooldown_days": 30,
        "freeze_unfreeze_min_days": 5,
    }
    tenant = isp_tenant(settings=settings, locale="en")
    catalog(tenant)
    made = make_contract(tenant, "810101", balance=100000)
    page = login(tenant, made).get(tenant_path(tenant, "/isp/freeze")).get_data(as_text=True)
    assert "A block lasts at least 7 days" in page and "at most 60 days" in page
    assert "The block costs" in page and "150" in page and "charged once on its first day" in page
    assert "the next one can start 30 days later" in page
    assert "You can end a block early yourself, 5 days after it starts." in page
    assert 'name="starts_on"' in page and 'name="days"' in page


def test_quote_then_confirm_freezes_the_services(app, isp_tenant, catalog, make_contract, login):
    tenant = isp_tenant(settings={"freeze_fee_kind": "once", "freeze_fee": 5000}, locale="en")
    catalog(tenant)
    made = make_contract(tenant, "810102", products=("inet100", "tvbase"), balance=100000)
    today = today_of(app, tenant)
    client = login(tenant, made)
    url = tenant_path(tenant, "/isp/freeze")

    quote = client.submit(url, quote_form(today, days=10))
    page = quote.get_data(as_text=True)
    assert quote.status_code == 200 and 'data-testid="freeze-quote"' in page
    assert "Home 100" in page and "TV Base" in page  # the services that stop
    assert "50.00\xa0₽ once, charged on" in page
    with app.app_context(), tenant_scope(tenant.id):
        assert session.scalars(select(Freeze)).all() == []  # a quote changes nothing

    done = client.submit(
        url, {"action": "confirm", "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=9)).isoformat()}
    )
    assert done.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Your services are frozen until" in page and 'data-testid="current-freeze"' in page
    with app.app_context(), tenant_scope(tenant.id):
        contract = session.get(Contract, made.id)
        assert {s.status for s in service_states(contract, today)} == {S_FROZEN}
        assert contract.account.balance == 100000 - 5000


def test_a_planned_block_is_shown_and_can_be_cancelled(app, isp_tenant, catalog, make_contract, login):
    tenant = isp_tenant(locale="en")
    catalog(tenant)
    made = make_contract(tenant, "810103", balance=100000)
    today = today_of(app, tenant)
    client = login(tenant, made)
    url = tenant_path(tenant, "/isp/freeze")
    first = today + timedelta(days=5)
    client.submit(
        url, {"action": "confirm", "starts_on": first.isoformat(), "ends_on": (first + timedelta(days=9)).isoformat()}
    )
    page = client.get(url).get_data(as_text=True)
    assert "will be frozen from" in page and "Cancel the planned block" in page
    page = client.submit(url, {"action": "end"}, follow_redirects=True).get_data(as_text=True)
    assert "The planned voluntary block is cancelled." in page
    assert 'name="starts_on"' in page  # the form is back


def test_self_unfreeze_from_the_page(app, isp_tenant, catalog, make_contract, login):
    tenant = isp_tenant(settings={"freeze_unfreeze_min_days": 0}, locale="en")
    catalog(tenant)
    made = make_contract(tenant, "810104", balance=100000)
    today = today_of(app, tenant)
    add_freeze(app, tenant, made, today - timedelta(days=3), today + timedelta(days=20), ACTIVE)
    client = login(tenant, made)
    url = tenant_path(tenant, "/isp/freeze")
    assert "End the block now" in client.get(url).get_data(as_text=True)
    page = client.submit(url, {"action": "end"}, follow_redirects=True).get_data(as_text=True)
    assert "Your services are active again." in page
    with app.app_context(), tenant_scope(tenant.id):
        row = session.scalars(select(Freeze)).one()
        assert (row.status, row.ended_on) == (FINISHED, today - timedelta(days=1))


def test_bad_dates_are_asked_again(app, isp_tenant, catalog, make_contract, login):
    tenant = isp_tenant(locale="en")
    catalog(tenant)
    made = make_contract(tenant, "810105", balance=100000)
    response = login(tenant, made).submit(
        tenant_path(tenant, "/isp/freeze"), {"action": "quote", "starts_on": "soon", "days": "x"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Enter the first day as a date." in page


def test_a_login_without_a_contract_gets_a_friendly_page(app, isp_tenant, make_user, login):
    tenant = isp_tenant(locale="en")
    user = make_user(tenant, "someone@example.org")
    page = login(tenant, user).get(tenant_path(tenant, "/isp/freeze")).get_data(as_text=True)
    assert "No internet or TV contract is linked to your login." in page


def test_ending_a_block_asks_for_confirmation_first(app, isp_tenant, catalog, make_contract, login):
    """Issue #12 point 12: "End the block now" opens a confirmation (no JavaScript) that says what will happen."""
    tenant = isp_tenant(settings={"freeze_unfreeze_min_days": 0}, locale="en")
    catalog(tenant)
    made = make_contract(tenant, "810105", balance=100000)
    today = today_of(app, tenant)
    add_freeze(app, tenant, made, today - timedelta(days=3), today + timedelta(days=20), ACTIVE)
    page = login(tenant, made).get(tenant_path(tenant, "/isp/freeze")).get_data(as_text=True)
    step = re.search(r'<details class="confirm" data-testid="end-freeze">(.*?)</details>', page, re.S)
    assert step, "the end button is not behind a confirmation step"
    summary, rest = step.group(1).split("</summary>", 1)
    assert "End the block now" in summary and "<button" not in summary
    assert "Services resume today" in rest and "Yes, end the block" in rest
