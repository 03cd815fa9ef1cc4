"""What is wrong with a certificate, in words: its dates, its chain to the trust store, revocation, its INN.

:func:`check_certificate` is shared by the login and the public self-check page; each finding is a
:class:`Problem` with a stable ``code`` (for tests and the API) and a sentence in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from flask_babel import format_date
from flask_babel import gettext as _

from plugins.dmdk.certlogin.certs import Identity, describe_name, identity_of
from plugins.dmdk.certlogin.verifiers import verifier_for

MAX_CHAIN = 6
LONG_DATE = "d MMMM y"
_HASH = hashes.SHA256()


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a certificate: ``code`` (``expired``, ``revoked`` …) and ``message``."""

    code: str
    message: str


@dataclass
class Report:
    """A certificate, who it names and what is wrong with it (nothing: it may be used)."""

    cert: x509.Certificate
    identity: Identity
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def subject(self) -> str:
        return describe_name(self.cert.subject)

    @property
    def issuer(self) -> str:
        return describe_name(self.cert.issuer)

    @property
    def valid_from(self) -> datetime:
        return self.cert.not_valid_before_utc

    @property
    def valid_to(self) -> datetime:
        return self.cert.not_valid_after_utc

    def codes(self) -> list[str]:
        return [problem.code for problem in self.problems]


def _dates(cert: x509.Certificate, now: datetime, whose: str | None = None) -> list[Problem]:
    if cert.not_valid_after_utc < now:
        day = format_date(cert.not_valid_after_utc, LONG_DATE)
        if whose:
            return [
                Problem(
                    "ca_expired",
                    _("The certificate of the authority «%(name)s» expired on %(date)s.", name=whose, date=day),
                )
            ]
        return [Problem("expired", _("The certificate expired on %(date)s: get a new one.", date=day))]
    if cert.not_valid_before_utc > now:
        day = format_date(cert.not_valid_before_utc, LONG_DATE)
        if whose:
            return [
                Problem(
                    "ca_not_yet_valid",
                    _("The certificate of the authority «%(name)s» is valid only from %(date)s.", name=whose, date=day),
                )
            ]
        return [Problem("not_yet_valid", _("The certificate is not valid yet: it is valid from %(date)s.", date=day))]
    return []


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool | None:
    """Whether ``issuer`` signed ``cert`` (``None``: the issuer's key algorithm has no verifier)."""
    verifier = verifier_for(issuer)
    return None if verifier is None else verifier.verify_issued(cert, issuer)


def _revocation(
    cert: x509.Certificate, issuer: x509.Certificate, crls: list[x509.CertificateRevocationList]
) -> list[Problem]:
    verifier = verifier_for(issuer)
    for crl in crls:
        if crl.issuer != issuer.subject or verifier is None or not verifier.verify_issued(crl, issuer):
            continue
        revoked = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
        if revoked is not None:
            day = format_date(revoked.revocation_date_utc, LONG_DATE)
            return [
                Problem("revoked", _("The certificate was revoked on %(date)s: it can no longer be used.", date=day))
            ]
    return []


def _chain(
    chain: list[x509.Certificate],
    roots: list[x509.Certificate],
    crls: list[x509.CertificateRevocationList],
    now: datetime,
) -> list[Problem]:
    """Walk from the owner's certificate up to a trusted one; problems of the chain (empty: trusted)."""
    current = chain[0]
    intermediates = chain[1:]
    for _step in range(MAX_CHAIN):
        if any(current.fingerprint(_HASH) == root.fingerprint(_HASH) for root in roots):
            return []
        candidates = [c for c in roots + intermediates if c.subject == current.issuer and c is not current]
        if not candidates:
            return [
                Problem(
                    "unknown_issuer",
                    _(
                        "The certificate was issued by «%(issuer)s», which is not a trusted certification authority "
                        "of this site.",
                        issuer=describe_name(current.issuer),
                    ),
                )
            ]
        outcomes = [(issuer, _issued_by(current, issuer)) for issuer in candidates]
        issuer = next((issuer for issuer, ok in outcomes if ok), None)
        if issuer is None:
            if all(ok is None for _issuer, ok in outcomes):
                return [
                    Problem("unsupported_algorithm", _("The certificate's signature algorithm is not supported here."))
                ]
            return [
                Problem(
                    "bad_issuer_signature",
                    _(
                        "The certificate's signature does not match its authority «%(issuer)s»: "
                        "it is damaged or forged.",
                        issuer=describe_name(current.issuer),
                    ),
                )
            ]
        problems = _revocation(current, issuer, crls)
        if problems:
            return problems
        trusted = any(issuer.fingerprint(_HASH) == root.fingerprint(_HASH) for root in roots)
        problems = _dates(issuer, now, whose=describe_name(issuer.subject))
        if problems:
            return problems
        if trusted:
            return []
        current = issuer
    return [Problem("unknown_issuer", _("The certificate chain is too long to be trusted."))]


def check_certificate(
    chain: list[x509.Certificate],
    roots: list[x509.Certificate],
    crls: list[x509.CertificateRevocationList],
    now: datetime,
    organization_inn: str | None = None,
) -> Report:
    """Check the owner's certificate ``chain[0]`` (``chain[1:]``: intermediates it came with) against the trust
    store ``roots`` and the revocation lists ``crls`` at ``now``; with ``organization_inn``, the certificate must be
    that organization's."""
    cert = chain[0]
    report = Report(cert, identity_of(cert))
    report.problems += _dates(cert, now)
    report.problems += _chain(chain, roots, crls, now)
    identity = report.identity
    if not identity.inn and not identity.inn_le:
        report.problems.append(Problem("no_inn", _("The certificate names no INN: it cannot identify its owner here.")))
    elif organization_inn and identity.organization_inn != organization_inn:
        found = identity.organization_inn
        message = (
            _(
                "The certificate is of the organization with INN %(found)s, not %(wanted)s.",
                found=found,
                wanted=organization_inn,
            )
            if found
            else _(
                "The certificate is a person's, not the organization's with INN %(wanted)s.", wanted=organization_inn
            )
        )
        report.problems.append(Problem("other_organization", message))
    return report
