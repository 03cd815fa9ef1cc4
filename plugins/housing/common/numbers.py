"""Numbers as a resident reads them on housing pages."""

from __future__ import annotations

from decimal import Decimal


def decimal_comma(value: Decimal | None) -> str:
    """``Decimal("105.500")`` → ``"105,5"``: a decimal comma, at most three decimals, no trailing zeros."""
    if value is None:
        return ""
    return f"{value.quantize(Decimal('0.001')).normalize():f}".replace(".", ",")


def unit_price(kopecks: Decimal | str) -> str:
    """A unit price in kopecks (maybe fractional) as rubles with a comma: ``"4567"`` → ``"45,67 ₽"``."""
    price = Decimal(kopecks)
    value = (price / 100).quantize(Decimal("0.01")) if price == price.to_integral_value() else (price / 100).normalize()
    return f"{value:f}".replace(".", ",") + " ₽"
