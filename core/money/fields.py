"""A money field for marshmallow schemas: people type rubles, the schema loads integer kopecks.

Forms (settings pages, plugin settings) show and read rubles through :mod:`core.money.format`, the one
parser: ``"1 500,50"`` or ``"1500.50 ₽"`` loads as ``150050``. An integer is taken as kopecks as it
is, so tenant files and JSON that already store kopecks load unchanged.
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields

from core.i18n import N_
from core.money.format import AmountError, format_money, parse_money


class MoneyField(fields.Field):
    """Rubles as text in, integer kopecks out; a bad amount is a validation error with the reason."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> int | None:
        return value  # stored and sent as kopecks; :meth:`form_value` is what a form shows

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if not isinstance(value, str):
            raise ValidationError(N_("Enter an amount in rubles, e.g. 1500 or 1500,50."))
        try:
            return parse_money(value, "display")
        except AmountError as error:
            raise ValidationError(str(error)) from error

    def form_value(self, kopecks: Any) -> str:
        """What the form's input shows for stored ``kopecks``: rubles, ``1500.00``."""
        if isinstance(kopecks, int) and not isinstance(kopecks, bool):
            return format_money(kopecks, "wire")
        return "" if kopecks is None else str(kopecks)
