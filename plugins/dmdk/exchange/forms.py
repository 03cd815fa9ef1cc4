"""What the exchange profile form accepts (read with ``core.api.read_form``; a certificate file becomes the
``certificate`` text, as on the certificate check page)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.api import N_, Id, Text
from plugins.dmdk.selfcheck.forms import MAX_UPLOAD

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,49}$"
CERTIFICATE_NEEDED = N_("Add the information system's certificate: its file or the PEM text.")
NOT_A_PLACE = N_("Choose the organization or one of its subdivisions.")


class ExchangeProfileForm(Schema):
    """The system's name and code, where it belongs (empty: the organization itself) and its certificate."""

    subdivision_id = Id(load_default=None)
    system_name = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        error_messages={"required": N_("Enter the information system's name.")},
    )
    system_code = fields.String(
        required=True,
        validate=validate.Regexp(
            CODE_PATTERN, error=N_("The code is up to 50 Latin letters, digits, dots, dashes and underscores.")
        ),
        error_messages={"required": N_("Enter the information system's code.")},
    )
    certificate = Text(MAX_UPLOAD * 2)
