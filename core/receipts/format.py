"""Russian wording for receipts: money, dates and months.

A receipt is a Russian payment document whatever language the cabinet is shown in, so these do not
depend on the request's locale (the cabinet's own ``money`` filter does).
"""

from __future__ import annotations

from datetime import date

MINUS = "\u2212"  # the typographic minus sign (PT Sans has it)
NBSP = "\u00a0"  # keeps "1 234,56 ₽" on one line in HTML and PDF

MONTHS = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)


def format_rub(kopecks: int, *, sign: bool = True) -> str:
    """``123456`` → ``"1 234,56 ₽"`` (the spaces are non-breaking); negative amounts get a minus sign."""
    if isinstance(kopecks, bool) or not isinstance(kopecks, int):
        raise TypeError(f"amounts are integer kopecks, got {kopecks!r}")
    rubles, kop = divmod(abs(kopecks), 100)
    text = f"{rubles:,}".replace(",", NBSP) + f",{kop:02d}{NBSP}₽"
    return (MINUS + text) if sign and kopecks < 0 else text


def format_date(day: date) -> str:
    """``date(2026, 11, 1)`` → ``"01.11.2026"``."""
    return day.strftime("%d.%m.%Y")


def month_label(period: str) -> str:
    """``"2026-11"`` → ``"ноябрь 2026"``."""
    year, month = period.split("-")
    return f"{MONTHS[int(month) - 1]} {year}"


def period_digits(period: str, separator: str = "") -> str:
    """``"2026-11"`` → ``"112026"`` (or ``"11.2026"`` with ``separator="."``)."""
    year, month = period.split("-")
    return f"{month}{separator}{year}"
