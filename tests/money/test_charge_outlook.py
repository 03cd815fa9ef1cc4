"""``ChargeOutlook``: what a day costs is the sum of the spans covering it, however many spans there are."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from core.plugins.types import ChargeOutlook, CostSpan

START = date(2026, 12, 1)


@st.composite
def spans(draw) -> tuple[CostSpan, ...]:
    found = []
    for _ in range(draw(st.integers(0, 40))):
        first = START + timedelta(days=draw(st.integers(0, 60)))
        length = draw(st.one_of(st.none(), st.integers(-2, 40)))  # None: open-ended; negative: covers no day
        last = None if length is None else first + timedelta(days=length)
        found.append(CostSpan(first, last, draw(st.integers(0, 100_000))))
    return tuple(found)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(spans())
def test_a_days_cost_and_a_stretchs_cost_are_the_sums_of_the_spans_covering_them(found):
    outlook = ChargeOutlook(spans=found, period_end=START + timedelta(days=30))
    days = [START + timedelta(days=n) for n in range(-3, 110)]
    costs = {day: sum(span.per_day for span in found if span.covers(day)) for day in days}
    assert [outlook.cost_on(day) for day in days] == [costs[day] for day in days]
    first = outlook.first_day
    for last in (START + timedelta(days=n) for n in (0, 17, 45, 100)):
        expected = sum(cost for day, cost in costs.items() if first is not None and first <= day <= last)
        assert outlook.cost_through(last) == expected


def test_a_voluntary_block_of_a_span_per_day_costs_each_day_once():
    """Ninety one-day spans (a block's fee day by day) over a monthly service: each day costs the two together."""
    daily = tuple(CostSpan(START + timedelta(days=n), START + timedelta(days=n), 500) for n in range(90))
    outlook = ChargeOutlook(spans=(CostSpan(START, None, 1000), *daily), period_end=START + timedelta(days=30))
    assert outlook.cost_on(START + timedelta(days=10)) == 1500
    assert outlook.cost_on(START + timedelta(days=95)) == 1000
    assert outlook.cost_through(START + timedelta(days=89)) == 90 * 1500
