"""Penalties (пени): the worked example to the kopeck, thresholds, payments, dated rules, and never before day 31."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

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


def test_a_partial_payment_lowers_the_debt_from_the_next_day_and_full_payment_stops_it():
    paid_half = penalty(500_000, DUE, DUE + timedelta(days=100), payments=[(DUE + timedelta(days=61), 250_000)])
    # the day of payment still counts: days 31..61 on 5000 ₽, 62..90 on 2500 ₽ at 1/300; 91..100 on 2500 ₽ at 1/130
    assert paid_half.total == round(
        31 * 500_000 * 0.095 / 300 + 29 * 250_000 * 0.095 / 300 + 10 * 250_000 * 0.095 / 130
    )
    settled = penalty(500_000, DUE, DUE + timedelta(days=200), payments=[(DUE + timedelta(days=45), 500_000)])
    assert settled.total == round(15 * 500_000 * 0.095 / 300)  # days 31..45 only
    paid_on_day_100 = penalty(500_000, DUE, DUE + timedelta(days=200), payments=[(DUE + timedelta(days=100), 500_000)])
    assert paid_on_day_100.total == 13_154  # the worked example: 5,000 ₽ paid 100 days late


def test_a_rule_change_mid_debt_applies_from_its_date_with_its_own_thresholds():
    rules = (*DEFAULT_RULES, PenaltyRule(date(2027, 1, 1), Decimal("0.16"), free_days=20, second_from_day=61))
    due = date(2026, 11, 1)
    before = penalty(500_000, due, date(2026, 12, 31), rules=rules)
    after = penalty(500_000, due, date(2027, 1, 10), rules=rules)
    assert before.rule.rate == Decimal("0.095") and before.first_penalty_day == date(2026, 12, 2)
    assert before.total == 4750  # days 31..60 at 1/300 of 9.5 %: 30 × 5000 × 0.095 / 300 = 47.50 ₽
    # December stays at the old rule; from 2027-01-01 (days 61..70) the new rule's 1/130 of 16 % applies
    assert [(run.first, run.days, run.divisor, run.rate) for run in after.runs] == [
        (date(2026, 12, 2), 30, 300, Decimal("0.095")),
        (date(2027, 1, 1), 10, 130, Decimal("0.16")),
    ]
    assert after.total == 4750 + round(10 * 500_000 * 0.16 / 130)  # 47.50 + 61.54 ₽
    assert after.rule.rate == Decimal("0.16")
    before_any_rule = penalty(500_000, date(2020, 1, 1), date(2021, 1, 1), rules=rules)
    assert (before_any_rule.total, before_any_rule.runs, before_any_rule.rule) == (0, (), None)


@given(
    amount=st.integers(min_value=1, max_value=10**9),
    late=st.integers(min_value=0, max_value=30),
    paid_on=st.integers(min_value=1, max_value=400),
)
def test_never_a_penalty_before_day_31(amount, late, paid_on):
    assert penalty(amount, DUE, DUE + timedelta(days=late)).total == 0
    result = penalty(amount, DUE, DUE + timedelta(days=400), payments=[(DUE + timedelta(days=paid_on), amount)])
    assert all(run.first >= DUE + timedelta(days=31) for run in result.runs)
    if paid_on <= 30:
        assert result.total == 0
