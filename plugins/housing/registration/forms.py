"""What the registration and flat pages accept (read with ``core.api.read_form``)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from core.api import N_, MoneyField
from plugins.housing.registration.proof import Proof
from plugins.housing.registration.settings import LAST_BILL

_MONTH = re.compile(r"^(?:(?P<y1>\d{4})-(?P<m1>\d{1,2})|(?P<m2>\d{1,2})[./](?P<y2>\d{4}))$")
MONTH_HELP = N_("As on the bill, e.g. 11.2026.")


class MonthField(fields.Field):
    """A bill's month typed as ``11.2026`` (or ``2026-11``, what a month picker sends): its first day."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        found = _MONTH.match(str(value).strip())
        if found is not None:
            year, month = int(found["y1"] or found["y2"]), int(found["m1"] or found["m2"])
            if 2000 <= year <= 2100 and 1 <= month <= 12:
                return date(year, month, 1)
        raise ValidationError(N_("Enter the month as on the bill, e.g. 11.2026."))


def _required_text(max_length: int, message: str, min_length: int = 1) -> fields.String:
    """A text field that must be filled in (``message`` when it is not), at most ``max_length`` characters."""
    return fields.String(
        required=True,
        validate=validate.Length(min=min_length, max=max_length, error=message if min_length > 1 else None),
        error_messages={"required": message},
    )


def _account_number() -> fields.String:
    return _required_text(40, N_("Enter the personal account number."))


class RegisterForm(Schema):
    """The first form: the personal-account number from the payment document, the full name and the e-mail."""

    account_number = _account_number()
    full_name = _required_text(200, N_("Write your full name."), min_length=2)
    email = fields.Email(
        required=True,
        validate=validate.Length(max=254),
        error_messages={"required": N_("Enter your e-mail."), "invalid": N_("Enter a valid e-mail address.")},
    )


class FlatNumberProof(Schema):
    """The seed's proof: the flat's number as printed on the latest payment document."""

    flat_number = _required_text(20, N_("Enter the flat number."))


class LastBillProof(Schema):
    """The stronger proof: the month of the last bill and its sum in rubles."""

    month = MonthField(required=True, error_messages={"required": N_("Enter the month of the last bill.")})
    amount = MoneyField(required=True, error_messages={"required": N_("Enter the sum of the last bill.")})


class BindByFlatNumber(FlatNumberProof):
    account_number = _account_number()


class BindByLastBill(LastBillProof):
    account_number = _account_number()


def proof_form(policy: str, *, with_account: bool = False) -> Schema:
    """The schema of the proof the tenant's ``policy`` asks for (with the account number when binding)."""
    if policy == LAST_BILL:
        return BindByLastBill() if with_account else LastBillProof()
    return BindByFlatNumber() if with_account else FlatNumberProof()


def proof_of(data: dict[str, Any]) -> Proof:
    """The :class:`Proof` in a loaded proof form."""
    return Proof(flat_number=data.get("flat_number", ""), month=data.get("month"), amount=data.get("amount"))
