"""Forms of the login, password and profile pages (CSRF-protected by Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, TelField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from core.identity.identifiers import LOGIN_ACCOUNT, LOGIN_CONTRACT, MAX_LOGIN_LENGTH
from core.identity.passwords import MAX_PASSWORD_LENGTH

LOGIN_LABELS = {
    LOGIN_CONTRACT: _l("Contract number"),
    LOGIN_ACCOUNT: _l("Personal account number"),
    "email": _l("E-mail"),
}


def login_label(policy: str):
    return LOGIN_LABELS.get(policy, _l("Login"))


class LoginForm(FlaskForm):
    login = StringField(_l("Login"), validators=[DataRequired(), Length(max=MAX_LOGIN_LENGTH)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])


class ResetRequestForm(FlaskForm):
    login = StringField(_l("Login"), validators=[DataRequired(), Length(max=MAX_LOGIN_LENGTH)])


class ConfirmForm(FlaskForm):
    """Just the CSRF token: a button that confirms an action a mailed link asked for."""


class NewPasswordForm(FlaskForm):
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords do not match."))],
    )


class PasswordChangeForm(NewPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])


class ProfileForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[Optional(), Length(max=200)])
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=40)])


class EmailChangeForm(FlaskForm):
    email = EmailField(_l("New e-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Your password"), validators=[DataRequired()])
