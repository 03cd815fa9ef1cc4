"""What the document form accepts (read with ``core.api.read_form``; the file comes alongside, checked by content)."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from core.api import N_
from plugins.dmdk.documents.types import TYPE_CODES

UPLOAD_FIELD = "file"
CHOOSE_FILE = N_("Choose the document's file (PDF, JPEG or PNG).")
BAD_DATE = N_("Enter a date such as 2001-12-31.")
EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)


def _date(required: str) -> fields.Date:
    return fields.Date(
        required=True,
        validate=validate.Range(min=EARLIEST, max=LATEST, error=BAD_DATE),
        error_messages={"required": required, "invalid": BAD_DATE},
    )


class DocumentForm(Schema):
    """A document's type (from the dictionary), number, date and expiry date."""

    type = fields.String(
        required=True,
        validate=validate.OneOf(TYPE_CODES, error=N_("Choose the type from the list.")),
        error_messages={"required": N_("Choose the type from the list.")},
    )
    number = fields.String(
        required=True,
        validate=validate.Length(min=1, max=100),
        error_messages={"required": N_("Enter the document's number.")},
    )
    issued_on = _date(N_("Enter the document's date."))
    expires_on = _date(N_("Enter the date the document expires."))

    @validates_schema
    def _order(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("issued_on") and data.get("expires_on") and data["expires_on"] < data["issued_on"]:
            raise ValidationError(N_("The expiry date cannot be before the document's date."), "expires_on")
