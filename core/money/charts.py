"""A bar chart as plain SVG geometry (rendered by the template; no JavaScript, no inline styles)."""

from __future__ import annotations

from dataclasses import dataclass

from core.money.figures import MonthTotals

WIDTH = 640
HEIGHT = 220
BASELINE = 190
TOP = 20


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    series: str  # "paid" or "charged"


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    baseline: int
    bars: list[Bar]
    labels: list[tuple[float, str]]  # x, month label
    scale_max: int


def bar_chart(months: list[MonthTotals]) -> Chart:
    """Two bars per month (paid, charged), scaled to the largest value."""
    if not months:
        return Chart(WIDTH, HEIGHT, BASELINE, [], [], 0)
    largest = max([1, *[m.paid for m in months], *[m.charged for m in months]])
    slot = WIDTH / len(months)
    bar_width = max(2.0, slot * 0.35)
    bars: list[Bar] = []
    labels: list[tuple[float, str]] = []
    for index, month in enumerate(months):
        left = index * slot + slot * 0.1
        for offset, (series, value) in enumerate((("paid", month.paid), ("charged", month.charged))):
            height = (BASELINE - TOP) * value / largest
            bars.append(
                Bar(
                    round(left + offset * bar_width, 1),
                    round(BASELINE - height, 1),
                    round(bar_width, 1),
                    round(height, 1),
                    value,
                    series,
                )
            )
        labels.append((round(index * slot + slot / 2, 1), f"{month.month[5:]}.{month.month[2:4]}"))
    return Chart(WIDTH, HEIGHT, BASELINE, bars, labels, largest)
