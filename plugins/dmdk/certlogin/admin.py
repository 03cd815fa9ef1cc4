"""``dmdk.trust_settings`` (``/dmdk/admin/certificates``): the tenant's trust store, revocation lists, challenge
life and trusted proxies — the ``dmdk.certlogin`` settings — with the trusted certificates listed in words."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate

from core.api import FormInput, SettingsError, Text, read_form, require, save_settings, session, utcnow
from plugins.dmdk.certlogin.checks import check_certificate
from plugins.dmdk.certlogin.service import trust_store
from plugins.dmdk.certlogin.settings import NAMESPACE, certlogin_settings
from plugins.dmdk.common.blueprints import web

MANAGE = "dmdk.certlogin.manage"


class TrustSettingsForm(Schema):
    """The settings as the page sends them (the settings schema checks the meaning)."""

    trust_roots = Text(200_000)
    crl = Text(2_000_000)
    nonce_ttl_seconds = fields.Integer(required=True, validate=validate.Range(min=30, max=3600))
    proxy_addresses = fields.List(fields.String(validate=validate.Length(max=64)), load_default=list)
    proxy_header = fields.String(required=True, validate=validate.Length(max=64))


def _trusted() -> list:
    """The trusted certificates, each checked against the store itself (an expired root says so)."""
    roots, crls = trust_store()
    return [check_certificate([root], roots, crls, utcnow()) for root in roots]


@web.route("/admin/certificates", methods=["GET", "POST"])
@require(MANAGE)
def trust_settings():
    """The certificate-login settings page."""
    status = 200
    if request.method == "POST":
        form = read_form(TrustSettingsForm())
        if form.ok:
            try:
                save_settings(NAMESPACE, form.data)
            except SettingsError as error:
                session.rollback()
                for name, messages in error.messages.items():
                    for message in messages if isinstance(messages, list) else [messages]:
                        form.add_error(name, str(message))
            else:
                session.commit()
                flash(_("Settings saved."), "info")
                return redirect(url_for("dmdk.trust_settings"))
        status = 400
    else:
        current = certlogin_settings().as_dict()
        current["proxy_addresses"] = "\n".join(current["proxy_addresses"])
        form = FormInput.blank(current)
    return render_template("dmdk/certlogin/admin.html", form=form, trusted=_trusted()), status
