"""Reading rules: window and next period, comma, rollover, a fall to review, a jump to confirm, expired poverka."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from plugins.housing.readings.rules import (
    ACCEPTED,
    CONFIRM,
    REFUSED,
    MeterFacts,
    Window,
    judge,
    parse_value,
    period_for,
)

WATER = MeterFacts(
    digits=5,
    next_verification=date(2030, 1, 1),
    previous=Decimal("120.500"),
    monthly_uses=[Decimal(5), Decimal(6), Decimal(4), Decimal(5), Decimal(5), Decimal(5)],
)


@pytest.mark.parametrize(
    ("text", "value"), [("123,45", "123.45"), ("123.45", "123.45"), (" 7 ", "7"), ("00125,5", "125.5")]
)
def test_a_decimal_comma_or_point(text, value):
    assert parse_value(text, 5) == Decimal(value)


@pytest.mark.parametrize("text", ["", "abc", "12,3456", "-5", "123456", "1e3", "12,34,5"])
def test_what_is_not_a_reading_of_a_five_digit_meter(text):
    assert parse_value(text, 5) is None
    assert judge(text, WATER, date(2026, 12, 21)).outcome == REFUSED


def test_inside_the_window_the_reading_counts_for_this_month_after_it_for_the_next():
    window = Window(20, 25)
    assert period_for(date(2026, 12, 25), window) == date(2026, 12, 1)
    assert period_for(date(2026, 12, 26), window) == date(2027, 1, 1)
    late = judge("126", WATER, date(2026, 12, 27), window)
    assert late.outcome == ACCEPTED and late.period == date(2027, 1, 1)
    assert any("next month" in message for message in late.messages)
    with pytest.raises(ValueError):
        Window(25, 20)


def test_an_ordinary_reading_is_accepted_with_its_use():
    verdict = judge("125,5", WATER, date(2026, 12, 21))
    assert (verdict.outcome, verdict.use, verdict.rollover, verdict.review) == (
        ACCEPTED,
        Decimal("5.000"),
        False,
        False,
    )


def test_a_fall_the_capacity_explains_is_a_rollover():
    meter = MeterFacts(digits=5, next_verification=None, previous=Decimal("99990"), monthly_uses=[Decimal(20)] * 6)
    verdict = judge("00015", meter, date(2026, 12, 21))
    assert (verdict.outcome, verdict.use, verdict.rollover, verdict.review) == (ACCEPTED, Decimal(25), True, False)


def test_a_fall_that_is_no_rollover_is_accepted_for_review_never_refused():
    verdict = judge("100", WATER, date(2026, 12, 21))
    assert (verdict.outcome, verdict.review, verdict.rollover) == (ACCEPTED, True, False)
    assert any("lower than the last one" in message for message in verdict.messages)


def test_a_jump_asks_for_confirmation_and_a_confirmed_jump_goes_to_review():
    asked = judge("180", WATER, date(2026, 12, 21))
    assert asked.outcome == CONFIRM and asked.use == Decimal("59.500")
    confirmed = judge("180", WATER, date(2026, 12, 21), confirmed=True)
    assert (confirmed.outcome, confirmed.review) == (ACCEPTED, True)


def test_an_expired_verification_refuses_and_says_what_is_billed_instead():
    expired = MeterFacts(digits=5, next_verification=date(2026, 11, 30), previous=Decimal(10))
    verdict = judge("12", expired, date(2026, 12, 21))
    assert verdict.outcome == REFUSED
    assert any("verification expired" in m for m in verdict.messages)
    assert any("average of your last months" in m for m in verdict.messages)


def test_the_first_reading_of_a_new_meter_has_no_use_yet():
    new = MeterFacts(digits=5, next_verification=None, previous=None)
    assert judge("3,2", new, date(2026, 12, 21)).outcome == ACCEPTED
