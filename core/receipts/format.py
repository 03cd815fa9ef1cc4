"""Russian wording for receipts: money, dates and months.

A receipt is a Russian payment document whatever language the cabinet is shown in, so these do not
depend on the request's locale (the cabinet's own ``money`` filter does). Money and month names come from
the one money module (:mod:`core.money.format`, ``receipt`` style, Babel's Russian).
"""

from __future__ import annotations

from datetime import date

from core.money.format import MINUS, NBSP, format_money, month_label

__all__ = ["MINUS", "NBSP", "format_date", "format_rub", "month_label", "period_digits"]


def format_rub(kopecks: int, *, sign: bool = True) -> str:
    """``123456`` → ``"1 234,56 ₽"`` (the money module's ``receipt`` style); ``sign=False`` drops the minus."""
    return format_money(kopecks if sign else abs(_integer(kopecks)), "receipt")


def _integer(kopecks: int) -> int:
    if isinstance(kopecks, bool) or not isinstance(kopecks, int):
        raise TypeError(f"amounts are integer kopecks, got {kopecks!r}")
    return kopecks


def format_date(day: date) -> str:
    """``date(2026, 11, 1)`` → ``"01.11.2026"``."""
    return day.strftime("%d.%m.%Y")


def period_digits(period: str, separator: str = "") -> str:
    """``"2026-11"`` → ``"112026"`` (or ``"11.2026"`` with ``separator="."``)."""
    year, month = period.split("-")
    return f"{month}{separator}{year}"
