"""The words of the batch register: kinds, metals, statuses, and how fineness and weight are written.

Weight is kept as whole milligrams and fineness (проба) as tenths of a per mille (585‰ → 5850, 999.9‰ → 9999):
both exact integers. They are typed and shown in grams (``12,345``) and per mille (``585``, ``999,9``).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from core.api import N_

PRODUCT, SEMI_FINISHED, METAL = "product", "semi_finished", "metal"
KINDS = {PRODUCT: N_("Product"), SEMI_FINISHED: N_("Semi-finished product"), METAL: N_("Metal")}

METALS = {
    "gold": N_("Gold"),
    "silver": N_("Silver"),
    "platinum": N_("Platinum"),
    "palladium": N_("Palladium"),
}

DRAFT, REGISTERED, IN_TRANSFER, WRITTEN_OFF = "draft", "registered", "in_transfer", "written_off"
STATUSES = {
    DRAFT: N_("Draft"),
    REGISTERED: N_("Registered"),
    IN_TRANSFER: N_("In transfer"),
    WRITTEN_OFF: N_("Written off"),
}

#: What a buyer reads on the public lookup page instead of the internal status.
IN_CIRCULATION = N_("In circulation")

SPEC_DRAFT, SENT, ACCEPTED, RETURNED = "draft", "sent", "accepted", "returned"
SPEC_STATUSES = {
    SPEC_DRAFT: N_("Draft"),
    SENT: N_("Sent"),
    ACCEPTED: N_("Accepted"),
    RETURNED: N_("Returned"),
}

MAX_WEIGHT_MG = 100_000_000_000  # 100 tonnes
MAX_COUNT = 1_000_000


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(str(text).strip().replace(" ", "").replace("\xa0", "").replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def parse_grams(text: str) -> tuple[int | None, str | None]:
    """``"12,345"`` grams → ``(12345, None)`` milligrams; ``(None, reason)`` when it is not a weight."""
    value = _number(text)
    if value is None:
        return None, _("Enter the weight in grams, e.g. 12,345.")
    milligrams = value * 1000
    if milligrams != milligrams.to_integral_value():
        return None, _("The weight is given to the milligram: at most 3 digits after the comma.")
    if milligrams <= 0:
        return None, _("The weight must be more than zero.")
    if milligrams > MAX_WEIGHT_MG:
        return None, _("The weight is too large: at most 100 tonnes.")
    return int(milligrams), None


def parse_fineness(text: str) -> tuple[int | None, str | None]:
    """``"585"`` → ``(5850, None)``, ``"999,9"`` → ``(9999, None)`` tenths of a per mille; else ``(None, reason)``."""
    value = _number(text)
    if value is None:
        return None, _("Enter the fineness in parts per thousand, e.g. 585 or 999,9.")
    tenths = value * 10
    if tenths != tenths.to_integral_value():
        return None, _("The fineness has at most one digit after the comma.")
    if not 0 < tenths < 10000:
        return None, _("The fineness is more than 0 and less than 1000.")
    return int(tenths), None


def grams(milligrams: int) -> str:
    """``12345`` → ``"12,345"`` (grams, decimal comma; whole grams without decimals)."""
    whole, rest = divmod(milligrams, 1000)
    return f"{whole},{rest:03d}" if rest else str(whole)


def grams_api(milligrams: int) -> str:
    """``12345`` → ``"12.345"``: grams for machines (a decimal point, always three decimals)."""
    whole, rest = divmod(milligrams, 1000)
    return f"{whole}.{rest:03d}"


def fineness(tenths: int) -> str:
    """``5850`` → ``"585"``, ``9999`` → ``"999,9"``."""
    whole, rest = divmod(tenths, 10)
    return f"{whole},{rest}" if rest else str(whole)


def fineness_api(tenths: int) -> str:
    """``5850`` → ``"585"``, ``9999`` → ``"999.9"`` for machines."""
    return fineness(tenths).replace(",", ".")
