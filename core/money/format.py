"""Money as people read it: integer kopecks → "1 234,56 ₽" in the page's language."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import format_decimal

KOPECKS = Decimal(100)


def rubles(kopecks: int) -> Decimal:
    return Decimal(kopecks) / KOPECKS


def format_money(kopecks: int | None) -> str:
    """``123456`` → ``1 234,56 ₽`` (Russian) or ``1,234.56 ₽`` (English).

    The rouble sign follows the number in every language (CLDR's English would print ``RUB1,234.56``,
    which nobody paying in roubles reads comfortably).
    """
    return f"{format_decimal(rubles(kopecks or 0), format='#,##0.00')}\u00a0₽"


MAX_RUBLES = 10**13  # in kopecks still far inside a bigint


class AmountError(ValueError):
    """Not an amount of money in rubles with at most two decimals."""


def parse_rubles(text: str) -> int:
    """``"1 234,5"`` → ``123450`` kopecks. Accepts a comma or a dot; refuses more than two decimals."""
    cleaned = (text or "").replace(" ", "").replace("\u00a0", "").replace(",", ".").replace("₽", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise AmountError("not a number") from None
    if not value.is_finite() or abs(value) >= MAX_RUBLES:
        raise AmountError("not an amount of money")  # 1e308 would not even round to kopecks
    if value != value.quantize(Decimal("0.01")):
        raise AmountError("at most two digits after the comma")
    return int(value * KOPECKS)
