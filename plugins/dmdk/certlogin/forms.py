"""What the certificate login forms accept (read with ``core.api.read_form``)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates

from core.api import N_
from plugins.dmdk.identifiers.checks import inn_problem


class OrganizationForm(Schema):
    """The optional INN of the organization the person logs in for (the proxy login's only field)."""

    organization_inn = fields.String(load_default="", validate=validate.Length(max=12))

    @validates("organization_inn")
    def _inn(self, value: str, **_kwargs) -> None:
        if not value:
            return
        problem = inn_problem(value)
        if problem is not None:
            raise ValidationError(problem)
        if len(value) != 10:
            raise ValidationError(N_("An organization's INN has 10 digits."))


class CertificateLoginForm(OrganizationForm):
    """The challenge shown, the signature and the certificate pasted, optionally the organization's INN."""

    nonce = fields.String(
        required=True,
        validate=validate.Length(max=64),
        error_messages={"required": N_("Open the login page again for a challenge.")},
    )
    signature = fields.String(
        required=True, validate=validate.Length(max=4096), error_messages={"required": N_("Paste the signature.")}
    )
    certificate = fields.String(
        required=True,
        validate=validate.Length(max=64 * 1024),
        error_messages={"required": N_("Paste the certificate.")},
    )
