"""The accrual methods of housing and utility services, each returning the amount and its calculation trace.

Every method is a pure function of its inputs (volumes, persons, areas, dated tariffs and norms), so a billing run
can re-compute a period and post nothing new, and the resident sees exactly the inputs and the rule behind the
amount ("why this amount"). Amounts are integer kopecks, rounded half up once per charge; prices are kopecks per
unit as :class:`~decimal.Decimal` (5.12 ₽/kWh is ``Decimal("512")``).

A tariff that changes inside the period applies to its share of the period's days (the volume is taken as spread
evenly over the month, as the billing rules assume without daily readings).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction
from functools import lru_cache

METERED = "metered"
NORM = "norm"
AVERAGE = "average"
TRUE_UP = "true_up"
PER_AREA = "per_area"
SHARED_BY_AREA = "shared_by_area"
RECALCULATION = "recalculation"

#: Multiplies two decimals without rounding (a price × a quantity has far fewer digits).
_EXACT = Context(prec=100)
#: Months a missing reading is billed by the average before the norm applies; the average uses 3 to 6 months.
AVERAGE_MONTHS = 3
AVERAGE_MIN_HISTORY = 3
AVERAGE_MAX_HISTORY = 6


@dataclass(frozen=True)
class Dated:
    """A value (a tariff in kopecks per unit, or a norm in units per person a month) in force from ``valid_from``."""

    valid_from: date
    value: Decimal


@dataclass(frozen=True)
class Piece:
    """One part of a charge: a quantity at a price over some days of the period."""

    first: date
    last: date
    quantity: Decimal
    price: Decimal  # kopecks per unit
    price_from: date  # when that price took effect (the rule's date)


@dataclass(frozen=True)
class Charge:
    """An amount and its trace: the method, the inputs in words and numbers, the priced pieces."""

    amount: int
    method: str
    inputs: dict[str, str] = field(default_factory=dict)
    pieces: tuple[Piece, ...] = ()


@lru_cache(maxsize=256)
def month_days(period: date) -> tuple[date, date]:
    """The first and last day of ``period``'s month."""
    first = period.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def in_force(values: Sequence[Dated], day: date) -> Dated:
    """The dated value in force on ``day``."""
    started = [value for value in values if value.valid_from <= day]
    if not started:
        raise ValueError(f"no tariff or norm is in force on {day.isoformat()}")
    return max(started, key=lambda value: value.valid_from)


def _plain(value: Decimal) -> Decimal:
    """``value`` written without trailing zeros or an exponent: ``5.500`` → ``5.5``, ``100`` stays ``100``."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value


def priced(quantity: Decimal, prices: Sequence[Dated], period: date) -> tuple[Fraction | Decimal, tuple[Piece, ...]]:
    """``quantity`` priced over the period (exactly), each price for its share of the period's days."""
    first, last = month_days(period)
    starts = sorted({first} | {p.valid_from for p in prices if first < p.valid_from <= last})
    if len(starts) == 1:  # one price the whole month (the usual case): no shares of days
        price = in_force(prices, first)
        exact = _EXACT.multiply(quantity, price.value)
        return exact, (Piece(first, last, _plain(quantity), price.value, price.valid_from),)
    total_days = (last - first).days + 1
    pieces, exact = [], Fraction(0)
    for index, start in enumerate(starts):
        end = starts[index + 1] - timedelta(days=1) if index + 1 < len(starts) else last
        price = in_force(prices, start)
        share = Fraction((end - start).days + 1, total_days)
        part = Fraction(quantity) * share
        exact += part * Fraction(price.value)
        pieces.append(
            Piece(start, end, Decimal(part.numerator) / Decimal(part.denominator), price.value, price.valid_from)
        )
    return exact, tuple(pieces)


def kopecks(exact: Fraction | Decimal) -> int:
    """Round an exact amount half up to whole kopecks (as a decimal of the context's precision first)."""
    value = +exact if isinstance(exact, Decimal) else Decimal(exact.numerator) / Decimal(exact.denominator)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def metered(volume: Decimal, tariffs: Sequence[Dated], period: date) -> Charge:
    """By the meter: volume × tariff."""
    exact, pieces = priced(volume, tariffs, period)
    return Charge(kopecks(exact), METERED, {"volume": str(volume)}, pieces)


def by_norm(
    persons: int, norms: Sequence[Dated], tariffs: Sequence[Dated], period: date, multiplier: Decimal = Decimal(1)
) -> Charge:
    """No meter: registered persons × norm × tariff (× 1.5 where a meter could be installed and is not)."""
    norm = in_force(norms, month_days(period)[0])
    volume = Decimal(persons) * norm.value * multiplier
    exact, pieces = priced(volume, tariffs, period)
    inputs = {"persons": str(persons), "norm": str(norm.value), "norm_from": norm.valid_from.isoformat()}
    if multiplier != 1:
        inputs["multiplier"] = str(multiplier)
    return Charge(kopecks(exact), NORM, inputs, pieces)


def missing_reading(
    history: Sequence[Decimal],
    months_missing: int,
    persons: int,
    norms: Sequence[Dated],
    tariffs: Sequence[Dated],
    period: date,
) -> Charge:
    """No reading this month: the average monthly use of the last 3–6 months, for up to three months; then the norm.

    ``history`` is the use of the months with readings, latest last; ``months_missing`` counts this month too.
    """
    usable = list(history)[-AVERAGE_MAX_HISTORY:]
    if months_missing > AVERAGE_MONTHS or len(usable) < AVERAGE_MIN_HISTORY:
        charge = by_norm(persons, norms, tariffs, period)
        return Charge(charge.amount, NORM, {**charge.inputs, "months_missing": str(months_missing)}, charge.pieces)
    average = sum(usable, Decimal(0)) / len(usable)
    exact, pieces = priced(average, tariffs, period)
    inputs = {"average_of_months": str(len(usable)), "average": str(average), "months_missing": str(months_missing)}
    return Charge(kopecks(exact), AVERAGE, inputs, pieces)


def true_up(actual: Decimal, billed: Decimal, tariffs: Sequence[Dated], period: date) -> Charge:
    """Readings resumed: the real use over the estimated months less what was billed for them (may be negative)."""
    difference = actual - billed
    exact, pieces = priced(difference, tariffs, period)
    return Charge(kopecks(exact), TRUE_UP, {"actual": str(actual), "billed": str(billed)}, pieces)


def recalculation(actual: Decimal, billed: Decimal, tariffs: Sequence[Dated], month: date) -> Charge:
    """An earlier month's reading changed after it was billed: its volume now less what was billed for it, priced
    at that month's tariffs (may be negative)."""
    exact, pieces = priced(actual - billed, tariffs, month)
    inputs = {"month": month.strftime("%Y-%m"), "actual": str(actual), "billed_before": str(billed)}
    return Charge(kopecks(exact), RECALCULATION, inputs, pieces)


def per_area(area: Decimal, rates: Sequence[Dated], period: date) -> Charge:
    """Maintenance, capital repair: the flat's area × the rate per m²."""
    exact, pieces = priced(area, rates, period)
    return Charge(kopecks(exact), PER_AREA, {"area": str(area)}, pieces)


def shared_by_area(
    building_volume: Decimal, building_area: Decimal, flat_area: Decimal, tariffs: Sequence[Dated], period: date
) -> Charge:
    """A building meter's volume (heat) shared by area: volume × flat area ÷ building area × tariff."""
    if building_area <= 0:
        raise ValueError("the building's total area must be positive")
    share = Fraction(flat_area) / Fraction(building_area)
    volume_fraction = Fraction(building_volume) * share
    volume = Decimal(volume_fraction.numerator) / Decimal(volume_fraction.denominator)
    exact, pieces = priced(volume, tariffs, period)
    inputs = {"building_volume": str(building_volume), "building_area": str(building_area), "area": str(flat_area)}
    return Charge(kopecks(exact), SHARED_BY_AREA, inputs, pieces)
