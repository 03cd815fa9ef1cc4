"""Login, logout, password reset and profile pages."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import logout_user

from core.access.guard import current_principal, public, require
from core.db import session
from core.db.session import reads_before_writing
from core.identity import service, throttle
from core.identity.forms import (
    EMAIL_PREFIX,
    PASSWORD_PREFIX,
    EmailChangeInput,
    LoginInput,
    NewPasswordInput,
    PasswordChangeInput,
    ProfileInput,
    ResetRequestInput,
    login_label,
)
from core.identity.models import User
from core.identity.passwords import min_password_length
from core.identity.sessions import revoke
from core.identity.tokens import PASSWORD_RESET, peek_token
from core.identity.web_login import log_in
from core.plugins.manager import flatten
from core.plugins.state import tenant_hooks
from core.tenants.urls import external_url
from core.web.input import FormInput, read_form
from core.web.urls import safe_next

blueprint = Blueprint("identity", __name__)


def _apply_errors(form: FormInput, schema, error: service.IdentityError) -> None:
    """A service's refusal next to the field it is about, or as a flash when it is about no field of the form."""
    if error.field in schema.fields:
        form.add_error(error.field, error.message)
    else:
        flash(error.message, "error")


def _login_variants() -> tuple[list, object | None]:
    """The site's login forms (``login_variants`` hook) and the one chosen with ``?as=`` (None: not chosen)."""
    variants = flatten(tenant_hooks(g.tenant).login_variants(tenant=g.tenant))
    chosen = next((v for v in variants if v.code == request.args.get("as")), None)
    return variants, chosen


@blueprint.route("/login", methods=["GET", "POST"])
@public
@reads_before_writing  # the throttle and the user are read, the password checked, and only then written
def login():
    form = read_form(LoginInput()) if request.method == "POST" else FormInput.blank()
    label = login_label(g.tenant.login_identifier)
    variants, variant = _login_variants()
    error = None
    if request.method == "POST" and form.ok:
        result = service.authenticate(g.tenant, form.data["login"], form.data["password"], request.remote_addr or "")
        if result.user is not None and variant is not None and not variant.accepts(result.user):
            right = next((v for v in variants if v.accepts(result.user)), None)
            session.commit()
            error = (
                _("This login is for another form: choose «%(title)s» above.", title=right.title)
                if right is not None
                else _("This login cannot be used here. Please contact the provider.")
            )
            return render_template(
                "identity/login.html", form=form, label=label, error=error, variants=variants, variant=variant
            ), 401
        if result.user is not None:
            log_in(result.user)
            session.commit()
            return redirect(safe_next(request.args.get("next")))
        session.commit()
        if result.error == "locked" and result.locked_until is not None:
            error = _(
                "Too many failed attempts. Try again in %(minutes)s min. or reset your password.",
                minutes=throttle.minutes_left(result.locked_until),
            )
        elif result.error == "blocked":
            error = _("Your account is blocked. Please contact the provider.")
        else:
            error = _("Wrong login or password.")
    return render_template(
        "identity/login.html", form=form, label=label, error=error, variants=variants, variant=variant
    ), (200 if error is None else 401)


@blueprint.post("/logout")
@require()
def logout():
    row = g.get("auth_session")
    if row is not None:
        revoke(row)
        session.commit()
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("identity.login"))


@blueprint.route("/password/reset", methods=["GET", "POST"])
@public
def reset_request():
    form = read_form(ResetRequestInput()) if request.method == "POST" else FormInput.blank()
    if request.method == "POST" and form.ok:
        service.request_password_reset(
            g.tenant,
            form.data["login"],
            request.remote_addr or "",
            link_for=lambda secret: external_url(g.tenant, "identity.reset_password", token=secret),
        )
        session.commit()
        return render_template("identity/reset_sent.html")
    return render_template("identity/reset_request.html", form=form, label=login_label(g.tenant.login_identifier))


@blueprint.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    row = peek_token(token, PASSWORD_RESET)
    if row is None:
        return render_template("identity/reset_invalid.html"), 410
    if g.tenant.password_reset == "new_password":
        return _send_new_password(token)
    user = session.get(User, row.user_id)
    min_length = min_password_length(staff=user is not None and service.is_staff(user))
    schema = NewPasswordInput()
    form = read_form(schema) if request.method == "POST" else FormInput.blank()
    if request.method == "POST" and form.ok:
        try:
            service.reset_password_with_token(token, form.data["new_password"])
        except service.IdentityError as error:
            session.rollback()
            _apply_errors(form, schema, error)
        else:
            session.commit()
            flash(_("Your password is changed. Log in with the new password."), "info")
            return redirect(url_for("identity.login"))
    return render_template("identity/reset_form.html", form=form, min_length=min_length)


def _send_new_password(token: str):
    """The tenant mails new passwords: the link asks to confirm, and only then the password changes."""
    if request.method == "POST":
        try:
            service.send_new_password(g.tenant, token)
        except service.IdentityError as error:
            session.rollback()
            return render_template("identity/message.html", title=_("Password not changed"), message=error.message), 410
        session.commit()
        return render_template(
            "identity/message.html",
            title=_("Check your e-mail"),
            message=_("We have sent you a new password. Your other sessions have been logged out."),
        )
    return render_template("identity/reset_confirm.html")


def _profile_page(form: FormInput | None = None, password_form: FormInput | None = None, email_form=None):
    """The profile page with its three forms; the one just posted shows what was typed and what is wrong."""
    user = current_principal()
    return render_template(
        "identity/profile.html",
        form=form or FormInput.blank({"full_name": user.full_name or "", "phone": user.phone or ""}),
        password_form=password_form or FormInput.blank(),
        email_form=email_form or FormInput.blank(),
        password_prefix=PASSWORD_PREFIX,
        email_prefix=EMAIL_PREFIX,
    )


@blueprint.route("/profile", methods=["GET", "POST"])
@require()
def profile():
    user = current_principal()
    if request.method == "GET":
        return _profile_page()
    form = read_form(ProfileInput())
    if form.ok:
        service.update_profile(user, full_name=form.data["full_name"], phone=form.data["phone"])
        session.commit()
        flash(_("Profile saved."), "info")
        return redirect(url_for("identity.profile"))
    return _profile_page(form=form)


@blueprint.post("/profile/password")
@require()
def change_password():
    user = current_principal()
    schema = PasswordChangeInput()
    form = read_form(schema, prefix=PASSWORD_PREFIX)
    if form.ok:
        try:
            service.change_password(
                user, form.data["current_password"], form.data["new_password"], keep=g.get("auth_session")
            )
        except service.IdentityError as error:
            session.rollback()
            _apply_errors(form, schema, error)
        else:
            session.commit()
            flash(_("Password changed. Your other sessions have been logged out."), "info")
            return redirect(url_for("identity.profile"))
    return _profile_page(password_form=form), 400


@blueprint.post("/profile/email")
@require()
def change_email():
    user = current_principal()
    schema = EmailChangeInput()
    form = read_form(schema, prefix=EMAIL_PREFIX)
    if form.ok:
        try:
            service.request_email_change(
                g.tenant,
                user,
                form.data["password"],
                form.data["email"],
                link_for=lambda secret: external_url(g.tenant, "identity.confirm_email", token=secret),
            )
        except service.IdentityError as error:
            session.rollback()
            _apply_errors(form, schema, error)
        else:
            session.commit()
            flash(
                _("We sent a confirmation link to the new address. The change takes effect when you open it."), "info"
            )
            return redirect(url_for("identity.profile"))
    return _profile_page(email_form=form), 400


@blueprint.get("/profile/email/confirm/<token>")
@public
def confirm_email(token: str):
    try:
        service.confirm_email_change(g.tenant, token)
    except service.IdentityError as error:
        session.rollback()
        return render_template("identity/message.html", title=_("E-mail not confirmed"), message=error.message), 410
    session.commit()
    return render_template(
        "identity/message.html", title=_("E-mail confirmed"), message=_("Your e-mail address is changed.")
    )
