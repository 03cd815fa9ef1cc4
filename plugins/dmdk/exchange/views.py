"""Information exchange profiles (holders of ``dmdk.exchange.manage`` in the organization: its administrator).

* ``dmdk.exchange_profiles`` (``/dmdk/organizations/<id>/exchange-profiles``): the profiles of the organization and
  of its subdivisions, each with its certificate's validity.
* ``dmdk.new_exchange_profile`` (``…/exchange-profiles/new``): the system's name and code, where it belongs and its
  certificate (a .cer/.crt/.pem file, PEM or DER, or the PEM text); anything that is not a certificate is refused.
* ``dmdk.exchange_profile`` (``…/exchange-profiles/<exchange_profile_id>``): what the certificate says (subject,
  issuer, serial number, validity) and the form to change the profile or replace its certificate.
* ``dmdk.delete_exchange_profile`` (POST ``…/exchange-profiles/<exchange_profile_id>/delete``).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.api import FormInput, Organization, Refused, posted_form, read_form, require, session, utcnow
from plugins.dmdk.common.access import organization_scope
from plugins.dmdk.common.blueprints import web
from plugins.dmdk.employees.roles import MANAGE_EXCHANGE
from plugins.dmdk.exchange import service
from plugins.dmdk.exchange.forms import CERTIFICATE_NEEDED, NOT_A_PLACE, ExchangeProfileForm
from plugins.dmdk.exchange.models import ExchangeProfile
from plugins.dmdk.selfcheck.forms import with_upload


def read_profile_form(
    organization: Organization, profile: ExchangeProfile | None
) -> tuple[FormInput, service.CertificateFacts | None]:
    """The posted profile form and the certificate it brings (``None``: none given, or refused — then the form
    says why); a new profile needs one."""
    form = read_form(ExchangeProfileForm(), with_upload(posted_form(), request.files.get("certificate_file")))
    facts = None
    if not form.ok:
        return form, None
    if not service.is_place(organization, form.data["subdivision_id"]):
        form.add_error("subdivision_id", _(NOT_A_PLACE))
    if form.data["certificate"].strip():
        try:
            facts = service.read_certificate(form.data["certificate"])
        except service.CertificateRejected:
            form.add_error("certificate", _(service.NOT_A_CERTIFICATE))
    elif profile is None:
        form.add_error("certificate", _(CERTIFICATE_NEEDED))
    return form, facts


def _place_names(organization: Organization) -> dict[int | None, str]:
    return dict(service.places(organization))


def _page(organization: Organization, form: FormInput, profile: ExchangeProfile | None = None, status: int = 200):
    places = service.places(organization)
    return render_template(
        "dmdk/exchange/new.html" if profile is None else "dmdk/exchange/profile.html",
        organization=organization,
        profile=profile,
        form=form,
        place_choices=[("" if place is None else str(place), name) for place, name in places],
        place_names=dict(places),
        state=service.state_of(profile, utcnow()) if profile is not None else None,
        state_titles=service.STATE_TITLES,
    ), status


@web.route("/organizations/<int:organization_id>/exchange-profiles")
@require()
@organization_scope(MANAGE_EXCHANGE)
def exchange_profiles(organization: Organization):
    """The profiles of the organization and its subdivisions."""
    now = utcnow()
    return render_template(
        "dmdk/exchange/list.html",
        organization=organization,
        rows=[(profile, service.state_of(profile, now)) for profile in service.profiles_of(organization.id)],
        place_names=_place_names(organization),
        state_titles=service.STATE_TITLES,
    )


@web.route("/organizations/<int:organization_id>/exchange-profiles/new", methods=["GET", "POST"])
@require()
@organization_scope(MANAGE_EXCHANGE)
def new_exchange_profile(organization: Organization):
    """Add a profile with its certificate."""
    if request.method == "GET":
        return _page(organization, FormInput.blank())
    form, facts = read_profile_form(organization, None)
    if form.ok:
        try:
            profile = service.save(organization, None, form.data, facts)
        except Refused as refused:
            session.rollback()
            form.add_error("system_code", " ".join(refused.messages))
    if not form.ok:
        return _page(organization, form, status=400)
    session.commit()
    flash(_("The exchange profile is saved."), "info")
    return redirect(url_for("dmdk.exchange_profile", organization_id=organization.id, exchange_profile_id=profile.id))


def _values(profile: ExchangeProfile) -> dict[str, str]:
    return {
        "subdivision_id": "" if profile.subdivision_id is None else str(profile.subdivision_id),
        "system_name": profile.system_name,
        "system_code": profile.system_code,
    }


@web.route("/organizations/<int:organization_id>/exchange-profiles/<int:exchange_profile_id>", methods=["GET", "POST"])
@require()
@organization_scope(MANAGE_EXCHANGE, exchange_profile=ExchangeProfile)
def exchange_profile(organization: Organization, exchange_profile: ExchangeProfile):
    """A profile: its certificate in words, and the form to change it (a new certificate replaces the old)."""
    if request.method == "GET":
        return _page(organization, FormInput.blank(_values(exchange_profile)), exchange_profile)
    form, facts = read_profile_form(organization, exchange_profile)
    if form.ok:
        try:
            service.save(organization, exchange_profile, form.data, facts)
        except Refused as refused:
            session.rollback()
            form.add_error("system_code", " ".join(refused.messages))
    if not form.ok:
        session.rollback()
        return _page(organization, form, session.get(ExchangeProfile, exchange_profile.id), 400)
    session.commit()
    flash(_("The exchange profile is saved."), "info")
    return redirect(
        url_for("dmdk.exchange_profile", organization_id=organization.id, exchange_profile_id=exchange_profile.id)
    )


@web.route("/organizations/<int:organization_id>/exchange-profiles/<int:exchange_profile_id>/delete", methods=["POST"])
@require()
@organization_scope(MANAGE_EXCHANGE, exchange_profile=ExchangeProfile)
def delete_exchange_profile(organization: Organization, exchange_profile: ExchangeProfile):
    """Delete a profile."""
    service.remove(exchange_profile)
    session.commit()
    flash(_("The exchange profile is deleted."), "info")
    return redirect(url_for("dmdk.exchange_profiles", organization_id=organization.id))
