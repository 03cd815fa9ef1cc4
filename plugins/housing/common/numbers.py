"""Numbers as a resident reads them on housing pages."""

from __future__ import annotations

from decimal import Decimal


def decimal_comma(value: Decimal | None) -> str:
    """``Decimal("105.500")`` → ``"105,5"``: a decimal comma, at most three decimals, no trailing zeros."""
    if value is None:
        return ""
    return f"{value.quantize(Decimal('0.001')).normalize():f}".replace(".", ",")
