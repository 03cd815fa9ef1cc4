"""Accrual methods to the kopeck against worked examples, each with the trace a resident sees."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plugins.housing.accruals.methods import (
    AVERAGE,
    NORM,
    Dated,
    by_norm,
    metered,
    missing_reading,
    per_area,
    shared_by_area,
    true_up,
)

DECEMBER = date(2026, 12, 1)
COLD_WATER = [Dated(date(2026, 7, 1), Decimal("4567"))]  # 45.67 ₽/m³
WATER_NORM = [Dated(date(2020, 1, 1), Decimal("6.935"))]  # m³ per person a month


def test_metered_volume_times_tariff():
    charge = metered(Decimal("5.5"), COLD_WATER, DECEMBER)
    assert charge.amount == 25119  # 5.5 × 45.67 = 251.185 → 251.19 ₽
    assert charge.inputs == {"volume": "5.5"} and charge.pieces[0].price_from == date(2026, 7, 1)


def test_by_norm_persons_times_norm_and_times_one_and_a_half_without_a_meter():
    assert by_norm(3, WATER_NORM, COLD_WATER, DECEMBER).amount == 95016  # 3 × 6.935 × 45.67 = 950.1558
    raised = by_norm(3, WATER_NORM, COLD_WATER, DECEMBER, multiplier=Decimal("1.5"))
    assert raised.amount == 142525 and raised.inputs["multiplier"] == "1.5"  # 31.2075 m³ × 45.67 = 1425.2465 ₽


def test_a_missing_reading_is_billed_by_the_average_for_three_months_then_by_the_norm():
    history = [Decimal(5), Decimal(6), Decimal(4)]
    for month in (1, 2, 3):
        charge = missing_reading(history, month, 3, WATER_NORM, COLD_WATER, DECEMBER)
        assert (charge.method, charge.amount) == (AVERAGE, 22835)  # average 5 m³ × 45.67
    fourth = missing_reading(history, 4, 3, WATER_NORM, COLD_WATER, DECEMBER)
    assert (fourth.method, fourth.amount) == (NORM, 95016)
    too_short = missing_reading(history[:2], 1, 3, WATER_NORM, COLD_WATER, DECEMBER)
    assert too_short.method == NORM  # fewer than three months of readings: no average to take
    six_of_eight = missing_reading(
        [Decimal(100), Decimal(100)] + [Decimal(6)] * 6, 1, 3, WATER_NORM, COLD_WATER, DECEMBER
    )
    assert six_of_eight.inputs["average_of_months"] == "6" and six_of_eight.amount == 27402  # 6 × 45.67


def test_a_true_up_when_readings_resume_charges_or_returns_the_difference():
    assert true_up(Decimal(20), Decimal(15), COLD_WATER, DECEMBER).amount == 22835
    assert true_up(Decimal(12), Decimal(15), COLD_WATER, DECEMBER).amount == -13701


def test_per_square_metre_services():
    maintenance = [Dated(date(2026, 1, 1), Decimal("2850"))]  # 28.50 ₽/m²
    assert per_area(Decimal("54.3"), maintenance, DECEMBER).amount == 154755


def test_building_heat_shared_by_area():
    heat = [Dated(date(2026, 7, 1), Decimal("245010"))]  # 2450.10 ₽/Gcal
    charge = shared_by_area(Decimal(120), Decimal(6000), Decimal("54.3"), heat, DECEMBER)
    assert charge.amount == 266081  # 120 × 54.3 / 6000 = 1.086 Gcal × 2450.10 = 2660.8086 ₽
    with pytest.raises(ValueError):
        shared_by_area(Decimal(120), Decimal(0), Decimal("54.3"), heat, DECEMBER)


def test_a_tariff_change_mid_period_applies_to_its_share_of_the_days():
    tariffs = [*COLD_WATER, Dated(date(2026, 12, 16), Decimal("4800"))]
    charge = metered(Decimal(10), tariffs, DECEMBER)
    assert charge.amount == 46873  # 10 × 15/31 × 45.67 + 10 × 16/31 × 48.00 = 468.7258 ₽
    assert [(piece.first.day, piece.last.day, piece.price) for piece in charge.pieces] == [
        (1, 15, Decimal("4567")),
        (16, 31, Decimal("4800")),
    ]


def test_no_tariff_in_force_is_an_error_not_a_zero():
    with pytest.raises(ValueError):
        metered(Decimal(1), [Dated(date(2027, 1, 1), Decimal(1))], DECEMBER)


@given(volume=st.decimals(min_value=0, max_value=100000, places=3), split=st.integers(min_value=2, max_value=31))
def test_pricing_is_deterministic_and_a_same_price_split_changes_nothing(volume, split):
    same_price_twice = [*COLD_WATER, Dated(date(2026, 12, split), Decimal("4567"))]
    assert metered(volume, same_price_twice, DECEMBER).amount == metered(volume, COLD_WATER, DECEMBER).amount
    assert metered(volume, COLD_WATER, DECEMBER) == metered(volume, COLD_WATER, DECEMBER)
