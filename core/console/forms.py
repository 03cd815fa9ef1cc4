"""What the admin area's user forms accept: marshmallow schemas read with ``core.web.input.read_form``."""

from __future__ import annotations

from collections.abc import Iterable

from marshmallow import Schema, fields, validate

from core.i18n import N_
from core.web.input import Text


class NewUserInput(Schema):
    login = fields.String(required=True, validate=validate.Length(max=254))
    full_name = Text(200)
    email = Text(254)
    phone = Text(40)


def new_staff_input(roles: Iterable[str]) -> NewUserInput:
    """The new staff member's form: a user's fields and one of the ``roles`` the caller may give."""

    class NewStaffInput(NewUserInput):
        role = fields.String(
            required=True, validate=validate.OneOf(list(roles), error=N_("Choose one of the offered roles."))
        )

    return NewStaffInput()
