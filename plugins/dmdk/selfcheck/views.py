"""``dmdk.certificate_check`` (``/dmdk/certificate-check``, public): a person pastes or uploads a certificate and
reads what is wrong with it (expired, not yet valid, unknown issuer, revoked, no INN, another organization's INN)
or that it is fine, with its subject, issuer and validity."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _

from core.api import N_, FormInput, posted_form, public, read_form, utcnow
from plugins.dmdk.certlogin.certs import CertificateFormatError, load_certificates
from plugins.dmdk.certlogin.checks import check_certificate
from plugins.dmdk.certlogin.service import trust_store
from plugins.dmdk.common.blueprints import web
from plugins.dmdk.selfcheck.forms import SelfCheckForm, with_upload

NOT_A_CERTIFICATE = N_(
    "This is not a certificate: paste the PEM text («-----BEGIN CERTIFICATE-----» included) "
    "or choose a .cer/.crt/.pem file."
)


@web.route("/certificate-check", methods=["GET", "POST"])
@public
def certificate_check():
    """Check a certificate against this site's trust store and revocation lists."""
    if request.method == "GET":
        return render_template("dmdk/selfcheck/check.html", form=FormInput.blank(), report=None)
    form = read_form(SelfCheckForm(), with_upload(posted_form(), request.files.get("certificate_file")))
    report = None
    if form.ok:
        try:
            chain = load_certificates(form.data["certificate"])
        except CertificateFormatError:
            form.add_error("certificate", str(_(NOT_A_CERTIFICATE)))
        else:
            roots, crls = trust_store()
            report = check_certificate(
                chain, roots, crls, utcnow(), organization_inn=form.data["organization_inn"] or None
            )
    status = 200 if form.ok else 400
    return render_template("dmdk/selfcheck/check.html", form=form, report=report), status
