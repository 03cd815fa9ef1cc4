"""Penalties (пени): the worked example to the kopeck, thresholds, payments, dated rules, and never before day 31."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plugins.housing.penalties.calculator import DEFAULT_RULES, PenaltyRule, penalty

DUE = date(2026, 1, 10)


def test_the_worked_example_5000_rubles_paid_100_days_late_is_131_54():
    result = penalty(500_000, DUE, DUE + timedelta(days=100))
    assert result.total == 13_154
    assert [(run.days, run.divisor) for run in result.runs] == [(60, 300), (10, 130)]


def test_no_penalty_for_the_first_30_days_and_the_first_penalty_day_is_day_31():
    assert penalty(500_000, DUE, DUE + timedelta(days=30)).total == 0
    day_31 = penalty(500_000, DUE, DUE + timedelta(days=31))
    assert day_31.first_penalty_day == DUE + timedelta(days=31)
    assert day_31.total == 158  # 5000 × 0.095 / 300 = 1.5833 ₽ for one day


def test_a_partial_payment_lowers_the_debt_from_its_day_and_full_payment_stops_it():
    paid_half = penalty(500_000, DUE, DUE + timedelta(days=100), payments=[(DUE + timedelta(days=61), 250_000)])
    # days 31..60 on 5000 ₽, 61..90 on 2500 ₽ at 1/300; 91..100 on 2500 ₽ at 1/130
    assert paid_half.total == round(
        30 * 500_000 * 0.095 / 300 + 30 * 250_000 * 0.095 / 300 + 10 * 250_000 * 0.095 / 130
    )
    settled = penalty(500_000, DUE, DUE + timedelta(days=200), payments=[(DUE + timedelta(days=45), 500_000)])
    assert settled.total == round(14 * 500_000 * 0.095 / 300)  # days 31..44 only


def test_the_rule_in_force_on_the_day_of_reckoning_applies_and_its_thresholds_are_the_tenants():
    rules = (*DEFAULT_RULES, PenaltyRule(date(2027, 1, 1), Decimal("0.16"), free_days=20, second_from_day=61))
    before = penalty(500_000, date(2026, 11, 1), date(2026, 12, 31), rules=rules)
    after = penalty(500_000, date(2026, 11, 1), date(2027, 1, 1), rules=rules)
    assert before.rule.rate == Decimal("0.095") and before.first_penalty_day == date(2026, 12, 2)
    assert after.rule.rate == Decimal("0.16") and after.first_penalty_day == date(2026, 11, 22)
    with pytest.raises(ValueError):
        penalty(500_000, date(2020, 1, 1), date(2021, 1, 1), rules=rules)


@given(
    amount=st.integers(min_value=1, max_value=10**9),
    late=st.integers(min_value=0, max_value=30),
    paid_on=st.integers(min_value=1, max_value=400),
)
def test_never_a_penalty_before_day_31(amount, late, paid_on):
    assert penalty(amount, DUE, DUE + timedelta(days=late)).total == 0
    result = penalty(amount, DUE, DUE + timedelta(days=400), payments=[(DUE + timedelta(days=paid_on), amount)])
    assert all(run.first >= DUE + timedelta(days=31) for run in result.runs)
    if paid_on <= 31:
        assert result.total == 0
