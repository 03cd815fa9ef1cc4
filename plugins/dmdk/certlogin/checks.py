"""What is wrong with a certificate, in words: its dates, its purpose, its chain to the trust store, revocation
(with a revocation list that is still current), its INN.

Only a certification authority may vouch for a certificate: an issuer in the chain must say so
(``basicConstraints: CA``, and ``keyCertSign`` when it states its key usage) — otherwise anyone holding an
ordinary trusted certificate could sign a certificate with somebody else's INN and present the two as a chain.

:func:`check_certificate` is shared by the login and the public self-check page; each finding is a
:class:`Problem` with a stable ``code`` (for tests and the API) and a sentence in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtendedKeyUsageOID
from flask_babel import format_date
from flask_babel import gettext as _

from plugins.dmdk.certlogin.certs import Identity, describe_name, identity_of
from plugins.dmdk.certlogin.verifiers import verifier_for

MAX_CHAIN = 6
#: Extended key usages that allow logging in with the certificate (a site login is a TLS client's or a signer's act).
LOGIN_PURPOSES = frozenset(
    {
        ExtendedKeyUsageOID.CLIENT_AUTH,
        ExtendedKeyUsageOID.EMAIL_PROTECTION,
        ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE,
    }
)
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


def _extension(cert: x509.Certificate, kind: type[x509.ExtensionType]):
    """The value of ``cert``'s extension of ``kind``, or ``None`` when it has none."""
    try:
        return cert.extensions.get_extension_for_class(kind).value
    except x509.ExtensionNotFound:
        return None


def _purpose(cert: x509.Certificate) -> list[Problem]:
    """Whether the owner's certificate may sign a login: its key usage and extended key usage, when stated."""
    usage = _extension(cert, x509.KeyUsage)
    if usage is not None and not (usage.digital_signature or usage.content_commitment):
        return [
            Problem(
                "not_for_signing",
                _("The certificate's key may not make signatures: use your signature certificate."),
            )
        ]
    purposes = _extension(cert, x509.ExtendedKeyUsage)
    if purposes is not None and not LOGIN_PURPOSES.intersection(purposes):
        return [
            Problem(
                "not_for_login",
                _("The certificate is issued for other purposes, not for logging in: use your signature certificate."),
            )
        ]
    return []


def _may_issue(issuer: x509.Certificate, trusted: bool) -> bool:
    """Whether ``issuer`` is a certification authority. A trusted root without ``basicConstraints`` (an old v1
    certificate the administrator chose to trust) counts; a certificate that came with the login must say so."""
    constraints = _extension(issuer, x509.BasicConstraints)
    if constraints is None:
        return trusted
    if not constraints.ca:
        return False
    usage = _extension(issuer, x509.KeyUsage)
    return usage is None or usage.key_cert_sign


def _revocation(
    cert: x509.Certificate, issuer: x509.Certificate, crls: list[x509.CertificateRevocationList], now: datetime
) -> list[Problem]:
    """Revoked, or the authority's revocation lists all out of date (nothing known of it: no problem)."""
    verifier = verifier_for(issuer)
    lists = [
        crl
        for crl in crls
        if crl.issuer == issuer.subject and verifier is not None and verifier.verify_issued(crl, issuer)
    ]
    for crl in lists:
        revoked = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
        if revoked is not None:
            day = format_date(revoked.revocation_date_utc, LONG_DATE)
            return [
                Problem("revoked", _("The certificate was revoked on %(date)s: it can no longer be used.", date=day))
            ]
    if lists and all(crl.next_update_utc is not None and crl.next_update_utc < now for crl in lists):
        latest = max(crl.next_update_utc for crl in lists if crl.next_update_utc is not None)
        return [
            Problem(
                "crl_outdated",
                _(
                    "The revocation list of «%(name)s» is out of date since %(date)s, so the site cannot tell whether "
                    "the certificate was revoked. The site's administrator must load a fresh list.",
                    name=describe_name(issuer.subject),
                    date=format_date(latest, LONG_DATE),
                ),
            )
        ]
    return []


def _is_root(cert: x509.Certificate, roots: list[x509.Certificate]) -> bool:
    return any(cert.fingerprint(_HASH) == root.fingerprint(_HASH) for root in roots)


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
        named = [c for c in roots + intermediates if c.subject == current.issuer and c is not current]
        candidates = [c for c in named if _may_issue(c, trusted=_is_root(c, roots))]
        if named and not candidates:
            return [
                Problem(
                    "issuer_not_ca",
                    _(
                        "«%(issuer)s» is not a certification authority: its certificate cannot vouch for another.",
                        issuer=describe_name(current.issuer),
                    ),
                )
            ]
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
        problems = _revocation(current, issuer, crls, now)
        if problems:
            return problems
        trusted = _is_root(issuer, roots)
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
    report.problems += _purpose(cert)
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
