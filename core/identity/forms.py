"""What the login, password and profile pages accept: marshmallow schemas read with ``core.web.input.read_form``."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validates_schema
from marshmallow.validate import Length

from core.i18n import N_
from core.identity.identifiers import LOGIN_ACCOUNT, LOGIN_CONTRACT, MAX_LOGIN_LENGTH
from core.identity.passwords import MAX_PASSWORD_LENGTH
from core.web.input import Secret, Text

LOGIN_LABELS = {
    LOGIN_CONTRACT: _l("Contract number"),
    LOGIN_ACCOUNT: _l("Personal account number"),
    "email": _l("E-mail"),
}


def login_label(policy: str):
    """The label of the login field for the tenant's login policy (contract, personal account, e-mail …)."""
    return LOGIN_LABELS.get(policy, _l("Login"))


class LoginInput(Schema):
    login = fields.String(required=True, validate=Length(max=MAX_LOGIN_LENGTH))
    password = Secret(MAX_PASSWORD_LENGTH, required=True)


class ResetRequestInput(Schema):
    login = fields.String(required=True, validate=Length(max=MAX_LOGIN_LENGTH))


class NewPasswordInput(Schema):
    new_password = Secret(MAX_PASSWORD_LENGTH, required=True)
    confirm = Secret(MAX_PASSWORD_LENGTH, required=True)

    @validates_schema
    def _same_twice(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data["new_password"] != data["confirm"]:
            raise ValidationError({"confirm": [N_("The passwords do not match.")]})


class PasswordChangeInput(NewPasswordInput):
    current_password = Secret(MAX_PASSWORD_LENGTH, required=True)


class ProfileInput(Schema):
    full_name = Text(200)
    phone = Text(40)


class EmailChangeInput(Schema):
    email = fields.String(required=True, validate=Length(max=254))
    password = Secret(MAX_PASSWORD_LENGTH, required=True)


#: The prefixes of the two smaller forms on the profile page (their inputs are named ``pw-…`` and ``em-…``).
PASSWORD_PREFIX = "pw-"
EMAIL_PREFIX = "em-"
