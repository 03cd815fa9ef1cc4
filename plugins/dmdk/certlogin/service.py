"""Certificate login: check a signed challenge (or a proxy's client certificate), find the user, refuse in words.

The signed message is ``"<nonce>\\n<origin>"`` in UTF-8 (:func:`challenge_message`), the origin being the site's
``scheme://host[:port]``: a signature made for another site does not log in here. Every attempt uses the
challenge up. Failures are throttled per address through ``core.api.throttle``; a success calls
``core.api.log_in``.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import timedelta

from cryptography import x509
from flask_babel import gettext as _
from sqlalchemy import select

from core.api import User, session, throttle, utcnow
from plugins.dmdk.certlogin import nonces
from plugins.dmdk.certlogin.certs import CertificateFormatError, Identity, load_certificates, load_crls
from plugins.dmdk.certlogin.checks import Problem, Report, check_certificate
from plugins.dmdk.certlogin.settings import certlogin_settings
from plugins.dmdk.certlogin.verifiers import verifier_for
from plugins.dmdk.identifiers.checks import normalize_snils
from plugins.dmdk.models import CertificateHolder

THROTTLE_SCOPE = "dmdk-cert-ip"
FAILURES = throttle.Backoff(10, timedelta(seconds=30), timedelta(minutes=15))
MAX_SIGNATURE = 2048


@dataclass
class Outcome:
    """A login attempt's result: the ``user`` to log in, or the ``problems`` (each with its own message)."""

    user: User | None = None
    problems: list[Problem] = field(default_factory=list)
    report: Report | None = None

    @property
    def codes(self) -> list[str]:
        return [problem.code for problem in self.problems]


def challenge_message(nonce: str, origin: str) -> bytes:
    """The bytes a person signs to log in: the challenge and the site's origin."""
    return f"{nonce.strip()}\n{origin.strip().rstrip('/')}".encode()


def trust_store() -> tuple[list[x509.Certificate], list[x509.CertificateRevocationList]]:
    """The current tenant's trusted CA certificates and revocation lists (settings ``dmdk.certlogin``)."""
    settings = certlogin_settings()
    try:
        roots = load_certificates(settings.trust_roots) if settings.trust_roots.strip() else []
    except CertificateFormatError:
        roots = []
    return roots, load_crls(settings.crl)


def holder_user(identity: Identity) -> User | None:
    """The user bound to the certificate's SNILS, else to its personal INN."""
    conditions = []
    if identity.snils:
        conditions.append(CertificateHolder.snils == normalize_snils(identity.snils))
    if identity.inn and len(identity.inn) == 12:
        conditions.append(CertificateHolder.inn == identity.inn)
    for condition in conditions:
        holder = session.scalar(select(CertificateHolder).where(condition))
        if holder is not None:
            return session.get(User, holder.user_id)
    return None


def _refuse(code: str, message: str, report: Report | None = None) -> Outcome:
    return Outcome(problems=[Problem(code, message)], report=report)


def _nonce_problem(state: str) -> Problem | None:
    if state == nonces.UNKNOWN:
        return Problem("unknown_nonce", _("This login challenge is unknown: open the login page again for a new one."))
    if state == nonces.USED:
        return Problem(
            "replayed_nonce",
            _("This login challenge has already been used: open the login page again and sign the new one."),
        )
    if state == nonces.EXPIRED:
        return Problem(
            "expired_nonce",
            _(
                "The login challenge expired before it came back: open the login page again "
                "and sign the new one sooner."
            ),
        )
    return None


def _certificate_checks(chain: list[x509.Certificate], organization_inn: str | None) -> Outcome:
    """The chain, dates, revocation and INN checks, then the account of the certificate's owner."""
    roots, crls = trust_store()
    report = check_certificate(chain, roots, crls, utcnow(), organization_inn=organization_inn or None)
    if not report.ok:
        return Outcome(problems=report.problems, report=report)
    user = holder_user(report.identity)
    if user is None:
        return _refuse("no_account", _("There is no account for this certificate — register first."), report)
    holder = session.scalar(select(CertificateHolder).where(CertificateHolder.user_id == user.id))
    if holder is not None:
        holder.organization_inn = report.identity.organization_inn
    return Outcome(user=user, report=report)


def _throttled(ip_key: str) -> Outcome | None:
    wait = throttle.waiting_until(throttle.counters([ip_key], FAILURES.memory).get(ip_key))
    if wait is None:
        return None
    return _refuse(
        "throttled", _("Too many failed attempts. Try again in %(minutes)s min.", minutes=throttle.minutes_left(wait))
    )


def _counted(outcome: Outcome, ip_key: str) -> Outcome:
    if outcome.user is None:
        throttle.register(ip_key, FAILURES)
    return outcome


def login_with_signature(
    *, tenant_id: int, ip: str, nonce: str, origin: str, signature: str, certificate: str, organization_inn: str = ""
) -> Outcome:
    """Check a signed challenge: the challenge is fresh and unused, ``signature`` (base64) was made over
    :func:`challenge_message` with the key of ``certificate`` (PEM, owner's first, intermediates after), the
    certificate is trusted, valid and not revoked, and (given ``organization_inn``) is that organization's."""
    ip_key = throttle.key(THROTTLE_SCOPE, tenant_id, ip)
    refused = _throttled(ip_key)
    if refused is not None:
        return refused
    problem = _nonce_problem(nonces.claim_nonce(nonce))
    if problem is not None:
        return _counted(Outcome(problems=[problem]), ip_key)
    try:
        chain = load_certificates(certificate)
    except CertificateFormatError:
        return _counted(
            _refuse(
                "bad_certificate",
                _("This is not a certificate: paste the PEM text, «-----BEGIN CERTIFICATE-----» included."),
            ),
            ip_key,
        )
    try:
        raw = base64.b64decode("".join(signature.split())[: MAX_SIGNATURE * 2], validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    verifier = verifier_for(chain[0])
    if verifier is None:
        return _counted(
            _refuse("unsupported_algorithm", _("The certificate's signature algorithm is not supported here.")), ip_key
        )
    if not raw or not verifier.verify_challenge(chain[0], raw, challenge_message(nonce, origin)):
        return _counted(
            _refuse(
                "wrong_signature",
                _(
                    "The signature does not match this certificate and challenge: sign exactly the challenge shown, "
                    "for %(origin)s, with this certificate's key.",
                    origin=origin,
                ),
            ),
            ip_key,
        )
    outcome = _certificate_checks(chain, organization_inn)
    if outcome.user is not None:
        throttle.clear(ip_key)
    return _counted(outcome, ip_key)


def login_with_client_certificate(*, tenant_id: int, ip: str, certificate: str, organization_inn: str = "") -> Outcome:
    """Check a client certificate the trusted TLS proxy verified the possession of (its key signed the handshake)."""
    ip_key = throttle.key(THROTTLE_SCOPE, tenant_id, ip)
    refused = _throttled(ip_key)
    if refused is not None:
        return refused
    try:
        chain = load_certificates(certificate)
    except CertificateFormatError:
        return _counted(_refuse("bad_certificate", _("The proxy passed something that is not a certificate.")), ip_key)
    return _counted(_certificate_checks(chain, organization_inn), ip_key)
