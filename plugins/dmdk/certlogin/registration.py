"""Registering an account with a certificate that has none yet (a head or an employee, ``dmdk.register``).

A certificate login that passed every check but found no account keeps the certificate's identity in the web
session (never anything the person typed) and sends the person here: they confirm their name and give an
e-mail (the login); the account is bound to the certificate's SNILS and INN and logged in, then goes on to
"my organization" (register one, or join one and wait for roles).
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask import session as web_session
from marshmallow import Schema, fields

from core.api import N_, FormInput, IdentityError, create_user, current_tenant, log_in, public, read_form, session
from plugins.dmdk.certlogin.certs import Identity
from plugins.dmdk.common.blueprints import web
from plugins.dmdk.identifiers.checks import normalize_snils
from plugins.dmdk.models import CertificateHolder

PENDING_KEY = "dmdk.register"


class RegisterForm(Schema):
    """The new account's name (from the certificate) and e-mail."""

    full_name = fields.String(required=True, error_messages={"required": N_("Enter your name.")})
    email = fields.Email(
        required=True,
        error_messages={"required": N_("Enter your e-mail."), "invalid": N_("Enter a valid e-mail address.")},
    )


def remember(identity: Identity) -> None:
    """Keep the verified certificate's identity for the registration page."""
    web_session[PENDING_KEY] = {
        "name": identity.name,
        "snils": normalize_snils(identity.snils) if identity.snils else None,
        "inn": identity.inn if identity.inn and len(identity.inn) == 12 else None,
        "organization_inn": identity.organization_inn,
    }


@web.route("/register", methods=["GET", "POST"])
@public
def register():
    """Create the account of a verified certificate's owner."""
    pending = web_session.get(PENDING_KEY)
    if not pending or not (pending.get("snils") or pending.get("inn")):
        abort(404)
    if request.method == "GET":
        return render_template("dmdk/certlogin/register.html", form=FormInput.blank({"full_name": pending["name"]}))
    form = read_form(RegisterForm())
    if form.ok:
        try:
            user, _secret = create_user(
                current_tenant(), form.data["email"], full_name=form.data["full_name"], roles=()
            )
        except IdentityError as error:
            form.add_error("email", error.message)
    if not form.ok:
        session.rollback()
        return render_template("dmdk/certlogin/register.html", form=form), 400
    session.add(
        CertificateHolder(
            user_id=user.id,
            snils=pending.get("snils"),
            inn=pending.get("inn"),
            organization_inn=pending.get("organization_inn"),
        )
    )
    web_session.pop(PENDING_KEY, None)
    log_in(user)
    session.commit()
    return redirect(url_for("dmdk.my_organization"))
