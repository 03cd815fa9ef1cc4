"""The registration pages (public) and the resident's flats page.

* ``housing.register`` (``/housing/register``): account number, full name, e-mail → "check your e-mail"; the same
  page whatever the account number.
* ``housing.register_confirm`` (``/housing/register/<token>``): the mailed link; the proof of the flat → "your
  login and password are on their way". A wrong proof and a missing account number get the same refusal.
* ``housing.flats`` (``/housing/flats``): the resident's flats, a form to bind one more with the same proof, and
  a button to unbind each (``housing.unbind_flat``). The account switcher shows every bound flat.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.api import (
    FormInput,
    IdentityError,
    account_or_404,
    current_principal,
    current_tenant,
    external_url,
    my_accounts,
    public,
    read_form,
    require,
    session,
    throttle,
)
from plugins.housing.common.blueprints import web
from plugins.housing.registration import service
from plugins.housing.registration.forms import MONTH_HELP, RegisterForm, proof_form, proof_of
from plugins.housing.registration.links import read
from plugins.housing.registration.settings import flat_proof

TOO_MANY = 429


def _ip() -> str:
    return request.remote_addr or ""


def _too_many(outcome: service.Outcome) -> str:
    assert outcome.wait_until is not None
    return _("Too many attempts. Try again in %(minutes)s min.", minutes=throttle.minutes_left(outcome.wait_until))


def _mismatch() -> str:
    return _(
        "These details do not match our records. Check the personal account number and the proof against your "
        "latest payment document."
    )


@web.route("/register", methods=["GET", "POST"])
@public
def register():
    """The first step: the request for a confirmation link."""
    form = read_form(RegisterForm()) if request.method == "POST" else FormInput.blank()
    if request.method == "GET" or not form.ok:
        return render_template("housing/registration/register.html", form=form), 200 if form.ok else 400
    tenant = current_tenant()
    outcome = service.request_registration(
        tenant,
        form.data["account_number"],
        form.data["full_name"],
        form.data["email"],
        _ip(),
        link_for=lambda token: external_url(tenant, "housing.register_confirm", token=token),
    )
    session.commit()
    if outcome.throttled:
        form.add_error("email", _too_many(outcome))
        return render_template("housing/registration/register.html", form=form), TOO_MANY
    return render_template("housing/registration/sent.html", email=service.normalize_email(form.data["email"]))


@web.route("/register/<token>", methods=["GET", "POST"])
@public
def register_confirm(token: str):
    """The mailed link: the e-mail is confirmed; the proof of the flat finishes the registration."""
    tenant = current_tenant()
    pending = read(token, tenant.id)
    if pending is None:
        return render_template("housing/registration/invalid.html"), 410
    policy = flat_proof()
    form = read_form(proof_form(policy)) if request.method == "POST" else FormInput.blank()
    status = 200 if form.ok else 400
    if request.method == "POST" and form.ok:
        try:
            outcome = service.complete_registration(tenant, pending, proof_of(form.data), policy, _ip())
        except IdentityError as error:
            session.rollback()
            form.add_error("_schema", error.message)
            status = 400
        else:
            session.commit()
            if outcome.account is not None:
                return render_template("housing/registration/done.html", email=pending.email)
            form.add_error("_schema", _too_many(outcome) if outcome.throttled else _mismatch())
            status = TOO_MANY if outcome.throttled else 400
    return render_template(
        "housing/registration/proof.html", form=form, policy=policy, pending=pending, month_help=MONTH_HELP
    ), status


def _flats_page(form: FormInput | None = None, status: int = 200):
    accounts = my_accounts()
    return render_template(
        "housing/registration/flats.html",
        accounts=accounts,
        flats=service.flats_of([account.id for account in accounts]),
        form=form or FormInput.blank(),
        policy=flat_proof(),
        month_help=MONTH_HELP,
    ), status


@web.get("/flats")
@require("housing.flats.own")
def flats():
    """The resident's flats with the binding form."""
    return _flats_page()


@web.post("/flats")
@require("housing.flats.own")
def bind_flat():
    """Bind one more flat to this login with the same proof as at registration."""
    policy = flat_proof()
    form = read_form(proof_form(policy, with_account=True))
    if not form.ok:
        return _flats_page(form, 400)
    outcome = service.bind_flat(
        current_tenant(), current_principal(), form.data["account_number"], proof_of(form.data), policy, _ip()
    )
    session.commit()
    if outcome.account is None:
        form.add_error("_schema", _too_many(outcome) if outcome.throttled else _mismatch())
        return _flats_page(form, TOO_MANY if outcome.throttled else 400)
    flash(_("Personal account %(number)s is added.", number=outcome.account.number), "info")
    return redirect(url_for("housing.flats"))


@web.post("/flats/<int:account_id>/unbind")
@require("housing.flats.own")
def unbind_flat(account_id: int):
    """Stop seeing one of the resident's accounts (another's or another tenant's answers 404)."""
    account = account_or_404(account_id)
    service.unbind_flat(current_principal(), account)
    session.commit()
    flash(_("Personal account %(number)s is removed from your login.", number=account.number), "info")
    return redirect(url_for("housing.flats"))
