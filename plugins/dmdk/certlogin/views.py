"""The certificate login pages (public), working without JavaScript.

* ``dmdk.login`` (``/dmdk/login``): shows a fresh challenge and the site's origin; the person signs them
  (``abonent dmdk sign-challenge`` or their signing tool), pastes the signature and the certificate, optionally
  the organization's INN, and is logged in — or told in words what is wrong.
* ``dmdk.proxy_login`` (``/dmdk/login/tls``): logs in with the client certificate a trusted TLS proxy passed.
"""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from core.api import FormInput, IdentityError, current_tenant, log_in, public, read_form, session, writes_on_get
from plugins.dmdk.certlogin import nonces, registration, service
from plugins.dmdk.certlogin.checks import Problem
from plugins.dmdk.certlogin.forms import CertificateLoginForm, OrganizationForm
from plugins.dmdk.certlogin.proxy import peer_address, proxy_certificate
from plugins.dmdk.certlogin.settings import certlogin_settings
from plugins.dmdk.common.blueprints import web

UNAUTHORIZED = 401


def site_origin() -> str:
    """This site's origin as the browser sees it (``scheme://host``), part of the signed message."""
    return request.host_url.rstrip("/")


def _page(form: FormInput, outcome: service.Outcome | None = None, status: int = 200):
    nonce = nonces.issue_nonce(certlogin_settings().nonce_ttl_seconds)
    session.commit()
    return render_template(
        "dmdk/certlogin/login.html",
        form=form,
        nonce=nonce.value,
        origin=site_origin(),
        outcome=outcome,
        ttl_minutes=max(1, certlogin_settings().nonce_ttl_seconds // 60),
    ), status


def _logged_in(outcome: service.Outcome):
    """Log the certificate's owner in (a redirect), or why not (a blocked account): the challenge stays used."""
    assert outcome.user is not None
    try:
        log_in(outcome.user)
    except IdentityError as error:
        return None, error.message
    session.commit()
    return redirect(url_for("web.dashboard")), None


@web.route("/login", methods=["GET", "POST"])
@public
@writes_on_get  # the page issues a challenge
def login():
    """The challenge-signing login."""
    if request.method == "GET":
        return _page(FormInput.blank())
    form = read_form(CertificateLoginForm())
    if not form.ok:
        return _page(form, status=400)
    outcome = service.login_with_signature(
        tenant_id=current_tenant().id,
        ip=request.remote_addr or "",
        nonce=form.data["nonce"],
        origin=site_origin(),
        signature=form.data["signature"],
        certificate=form.data["certificate"],
        organization_inn=form.data["organization_inn"],
    )
    if outcome.user is not None:
        response, refusal = _logged_in(outcome)
        if response is not None:
            return response
        outcome = service.Outcome(problems=[Problem("blocked", refusal)])
    session.commit()
    if outcome.codes == ["no_account"] and outcome.report is not None:
        registration.remember(outcome.report.identity)
        return redirect(url_for("dmdk.register"))
    return _page(FormInput.blank({**form.values, "signature": ""}), outcome, UNAUTHORIZED)


@web.route("/login/tls", methods=["GET", "POST"])
@public
@writes_on_get  # a GET from the proxy logs in
def proxy_login():
    """The login with a client certificate passed by the TLS-terminating proxy."""
    form = read_form(OrganizationForm(), request.values)
    certificate, problem = proxy_certificate(request)
    outcome = None
    if problem is not None:
        outcome = service.Outcome(problems=[problem])
    elif form.ok:
        outcome = service.login_with_client_certificate(
            tenant_id=current_tenant().id,
            ip=peer_address(request),
            certificate=certificate or "",
            organization_inn=form.data["organization_inn"],
        )
        if outcome.user is not None:
            response, refusal = _logged_in(outcome)
            if response is not None:
                return response
            outcome = service.Outcome(problems=[Problem("blocked", refusal)])
        session.commit()
        if outcome.codes == ["no_account"] and outcome.report is not None:
            registration.remember(outcome.report.identity)
            return redirect(url_for("dmdk.register"))
    return render_template("dmdk/certlogin/proxy.html", outcome=outcome, form=form), UNAUTHORIZED
