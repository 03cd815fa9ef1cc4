"""The promised-payment rules as a pure function: every refusal reason, and what it tells the subscriber."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale

from plugins.isp.promise.rules import CODES, PromiseFacts, decide
from plugins.isp.settings import IspSettings

NOW = datetime(2026, 3, 10, 7, 0, tzinfo=UTC)  # 12:00 in Yekaterinburg
ZONE = ZoneInfo("Asia/Yekaterinburg")
DEFAULTS = IspSettings().load({})
IN_DEBT = PromiseFacts(now=NOW, zone=ZONE, balance=-20000, monthly_fee=50000, blocked=True, opened_on=date(2025, 1, 1))

# code → (facts, settings overrides, words the English message must contain)
CASES = {
    "disabled": (IN_DEBT, {"promise_enabled": False}, "does not offer"),
    "legal_entity": (replace(IN_DEBT, is_legal=True), {}, "legal entities"),
    "no_services": (replace(IN_DEBT, monthly_fee=0), {}, "no paid services"),
    "already_active": (replace(IN_DEBT, active_until=NOW + timedelta(days=2)), {}, "already active until"),
    "frozen": (replace(IN_DEBT, frozen=True), {}, "End the voluntary block"),
    "not_in_debt": (replace(IN_DEBT, balance=100, blocked=False), {}, "do not need"),
    "debt_too_large": (replace(IN_DEBT, balance=-60000), {}, "Pay at least 100.00\xa0₽"),
    "amount_too_small": (IN_DEBT, {"promise_fee": 1000, "promise_amount": 20000}, "Pay at least 10.00\xa0₽"),
    "account_too_new": (replace(IN_DEBT, opened_on=date(2026, 3, 1)), {}, "31 March 2026"),
    "not_repaid": (replace(IN_DEBT, last_unrepaid=True), {}, "Pay the debt of 200.00\xa0₽"),
    "too_often": (replace(IN_DEBT, last_granted_at=NOW - timedelta(days=5)), {}, "from 1 April 2026"),
}


def test_every_reason_has_a_case():
    assert set(CASES) == set(CODES)


def test_a_subscriber_in_debt_gets_the_monthly_fee_for_three_days(app):
    quote = decide(IN_DEBT, DEFAULTS)
    assert quote.ok
    assert (quote.amount, quote.fee, quote.balance_after) == (50000, 0, 30000)
    assert quote.until == NOW + timedelta(days=3) and quote.until.tzinfo == ZONE


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_reason_is_given_in_words(app, code):
    facts, overrides, words = CASES[code]
    quote = decide(facts, {**DEFAULTS, **overrides})
    assert quote.codes == [code]
    with app.test_request_context(), force_locale("en"):
        assert words in quote.reasons[0].message


def test_frequency_in_days_counts_from_the_day_of_the_last_grant(app):
    settings = {**DEFAULTS, "promise_frequency": "days", "promise_frequency_days": 7}
    assert decide(replace(IN_DEBT, last_granted_at=NOW - timedelta(days=6)), settings).codes == ["too_often"]
    # Granted on 3 March late in the evening: 10 March is the 7th day after, whatever the hour.
    evening = datetime(2026, 3, 3, 18, 0, tzinfo=UTC)  # 23:00 in Yekaterinburg
    assert decide(replace(IN_DEBT, last_granted_at=evening), settings).ok


def test_the_calendar_month_is_the_tenants(app):
    # 20:00 UTC on 31 March is already 1 April in Yekaterinburg: a March promise no longer counts.
    late = datetime(2026, 3, 31, 20, 0, tzinfo=UTC)
    march = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
    assert decide(replace(IN_DEBT, now=late, last_granted_at=march), DEFAULTS).ok
    assert decide(replace(IN_DEBT, now=late - timedelta(hours=2), last_granted_at=march), DEFAULTS).codes == [
        "too_often"
    ]


def test_debt_limit_is_a_share_of_the_monthly_fee(app):
    settings = {**DEFAULTS, "promise_max_debt_share": 50}
    assert decide(replace(IN_DEBT, balance=-25000), settings).ok
    assert decide(replace(IN_DEBT, balance=-25001), settings).codes == ["debt_too_large"]


def test_only_in_debt_can_be_switched_off(app):
    rich = replace(IN_DEBT, balance=100, blocked=False)
    assert decide(rich, {**DEFAULTS, "promise_only_in_debt": False}).ok
    # Blocked with a positive balance (grace rules, a charge run pending) still counts as in need.
    assert decide(replace(rich, blocked=True), DEFAULTS).ok


def test_independent_reasons_are_all_listed(app):
    facts = replace(IN_DEBT, frozen=True, last_unrepaid=True, opened_on=date(2026, 3, 1))
    assert decide(facts, DEFAULTS).codes == ["frozen", "account_too_new", "not_repaid"]


def test_requires_repaid_can_be_switched_off(app):
    assert decide(replace(IN_DEBT, last_unrepaid=True), {**DEFAULTS, "promise_requires_repaid": False}).ok
