"""Reading certificates: PEM (or DER) text to certificates, and the owner's identity from the subject.

Russian qualified certificates name the owner with these subject attributes: ИНН ``1.2.643.3.131.1.1``,
ИНН ЮЛ ``1.2.643.100.4``, ОГРН ``1.2.643.100.1``, ОГРНИП ``1.2.643.100.5``, СНИЛС ``1.2.643.100.3``.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from cryptography import x509
from cryptography.x509.oid import NameOID

OID_INN = x509.ObjectIdentifier("1.2.643.3.131.1.1")
OID_INNLE = x509.ObjectIdentifier("1.2.643.100.4")
OID_OGRN = x509.ObjectIdentifier("1.2.643.100.1")
OID_OGRNIP = x509.ObjectIdentifier("1.2.643.100.5")
OID_SNILS = x509.ObjectIdentifier("1.2.643.100.3")

_PEM = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)
_CRL = re.compile(rb"-----BEGIN X509 CRL-----.+?-----END X509 CRL-----", re.DOTALL)
MAX_CERTIFICATES = 10


class CertificateFormatError(ValueError):
    """The text holds no readable certificate."""


def load_certificates(data: str | bytes) -> list[x509.Certificate]:
    """The certificates in ``data``: PEM blocks (the first is the owner's, the rest its intermediates), or one DER
    certificate (raw or base64). Raises :class:`CertificateFormatError` when there is none."""
    raw = data.encode("utf-8", "replace") if isinstance(data, str) else data
    blocks = _PEM.findall(raw)[:MAX_CERTIFICATES]
    try:
        if blocks:
            return [x509.load_pem_x509_certificate(block) for block in blocks]
        der = raw if raw[:1] == b"\x30" else base64.b64decode(b"".join(raw.split()), validate=True)
        return [x509.load_der_x509_certificate(der)]
    except (ValueError, binascii.Error) as error:
        raise CertificateFormatError(str(error)) from None


def load_crls(data: str) -> list[x509.CertificateRevocationList]:
    """The revocation lists among the PEM blocks of ``data`` (unreadable blocks are skipped)."""
    crls = []
    for block in _CRL.findall(data.encode()):
        try:
            crls.append(x509.load_pem_x509_crl(block))
        except ValueError:
            continue
    return crls


@dataclass(frozen=True)
class Identity:
    """Who a certificate names: the person and, for an organization's certificate, the organization."""

    name: str
    inn: str | None  # the person's INN (12 digits), or an entrepreneur's
    inn_le: str | None  # the organization's INN (10 digits)
    ogrn: str | None
    ogrnip: str | None
    snils: str | None
    organization: str | None

    @property
    def organization_inn(self) -> str | None:
        """The INN of the organization the certificate acts for: ИНН ЮЛ, else a 10-digit INN."""
        if self.inn_le:
            return self.inn_le
        return self.inn if self.inn and len(self.inn) == 10 else None


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    values = name.get_attributes_for_oid(oid)
    if not values:
        return None
    value = values[0].value
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return text.strip() or None


def _inn(value: str | None) -> str | None:
    # Old certificates pad a 10-digit INN with two leading zeros to 12.
    if value and len(value) == 12 and value.startswith("00"):
        return value[2:]
    return value


def identity_of(cert: x509.Certificate) -> Identity:
    """The owner named in ``cert``'s subject."""
    subject = cert.subject
    surname = _attribute(subject, NameOID.SURNAME)
    given = _attribute(subject, NameOID.GIVEN_NAME)
    name = " ".join(part for part in (surname, given) if part) or _attribute(subject, NameOID.COMMON_NAME) or ""
    return Identity(
        name=name,
        inn=_inn(_attribute(subject, OID_INN)),
        inn_le=_attribute(subject, OID_INNLE),
        ogrn=_attribute(subject, OID_OGRN),
        ogrnip=_attribute(subject, OID_OGRNIP),
        snils=_attribute(subject, OID_SNILS),
        organization=_attribute(subject, NameOID.ORGANIZATION_NAME),
    )


def describe_name(name: x509.Name) -> str:
    """A subject or issuer as a person reads it: the common name and the organization, else the RFC 4514 string."""
    common = _attribute(name, NameOID.COMMON_NAME)
    organization = _attribute(name, NameOID.ORGANIZATION_NAME)
    parts = [part for part in (common, organization) if part]
    if len(parts) == 2 and parts[0] == parts[1]:
        parts = parts[:1]
    return ", ".join(parts) or name.rfc4514_string()
