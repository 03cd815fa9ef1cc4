"""Forms of the admin area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, TelField
from wtforms.validators import DataRequired, Length, Optional


class NewUserForm(FlaskForm):
    login = StringField(_l("Login"), validators=[DataRequired(), Length(max=254)])
    full_name = StringField(_l("Full name"), validators=[Optional(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=40)])


class NewStaffForm(NewUserForm):
    role = SelectField(_l("Role"), choices=[])


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for POST buttons."""
