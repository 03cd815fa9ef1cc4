"""Exchange profiles: read a certificate (PEM or DER) into what a person checks — subject, issuer, serial number,
validity — refusing anything that is not one; add, change and delete profiles of the organization and its
subdivisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives import serialization
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.api import N_, Organization, Refusal, Refused, audit, session
from plugins.dmdk.certlogin.certs import CertificateFormatError, describe_name, load_certificates
from plugins.dmdk.exchange.models import ExchangeProfile
from plugins.dmdk.organizations.service import subdivisions_of

#: Why a certificate is refused (a msgid).
NOT_A_CERTIFICATE = N_(
    "This is not a certificate: choose its .cer, .crt or .pem file (PEM or DER) or paste the PEM text "
    "(«-----BEGIN CERTIFICATE-----» included)."
)

VALID = "valid"
EXPIRED = "expired"
NOT_YET_VALID = "not_yet_valid"
STATE_TITLES = {VALID: N_("In force"), EXPIRED: N_("Validity ended"), NOT_YET_VALID: N_("Not valid yet")}


class CertificateRejected(ValueError):
    """The text or file holds no readable certificate (the message is :data:`NOT_A_CERTIFICATE`)."""


@dataclass(frozen=True)
class CertificateFacts:
    """A certificate as the profile keeps it: the PEM and what it says."""

    pem: str
    subject: str
    issuer: str
    serial: str
    valid_from: datetime
    valid_to: datetime


def serial_text(serial: int) -> str:
    """A serial number as certificate tools print it: upper-case hex, an even number of digits."""
    text = f"{serial:X}"
    return text if len(text) % 2 == 0 else "0" + text


def read_certificate(data: str | bytes) -> CertificateFacts:
    """The first certificate of ``data`` (PEM text, or a DER file raw or in base64); raises
    :class:`CertificateRejected` when there is none."""
    try:
        certificate = load_certificates(data)[0]
    except (CertificateFormatError, IndexError):
        raise CertificateRejected(NOT_A_CERTIFICATE) from None
    try:
        subject, issuer = describe_name(certificate.subject), describe_name(certificate.issuer)
        valid_from, valid_to = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    except ValueError:  # a structure that parses but names nobody readable
        raise CertificateRejected(NOT_A_CERTIFICATE) from None
    return CertificateFacts(
        pem=certificate.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        subject=subject[:500],
        issuer=issuer[:500],
        serial=serial_text(certificate.serial_number)[:100],
        valid_from=valid_from,
        valid_to=valid_to,
    )


def state_of(profile: ExchangeProfile, now: datetime) -> str:
    """Whether the profile's certificate is :data:`VALID` at ``now``, :data:`EXPIRED` or :data:`NOT_YET_VALID`."""
    if now < profile.valid_from:
        return NOT_YET_VALID
    if now > profile.valid_to:
        return EXPIRED
    return VALID


def places(organization: Organization) -> list[tuple[int | None, str]]:
    """Where a profile can belong: the organization (``None``) and each of its subdivisions (its id), by name."""
    return [(None, organization.name)] + [
        (core_row.id, core_row.name) for _subdivision, core_row in subdivisions_of(organization.id)
    ]


def profiles_of(organization_id: int) -> list[ExchangeProfile]:
    """The profiles of the organization and of its subdivisions: the organization's first, then by name."""
    return list(
        session.scalars(
            select(ExchangeProfile)
            .where(ExchangeProfile.organization_id == organization_id)
            .order_by(ExchangeProfile.subdivision_id.is_not(None), ExchangeProfile.system_name, ExchangeProfile.id)
        )
    )


def _code_taken(organization_id: int, code: str, profile_id: int | None) -> bool:
    statement = select(ExchangeProfile.id).where(
        ExchangeProfile.organization_id == organization_id, ExchangeProfile.system_code == code
    )
    if profile_id is not None:
        statement = statement.where(ExchangeProfile.id != profile_id)
    return session.scalar(statement.limit(1)) is not None


def _facts(profile: ExchangeProfile) -> dict[str, Any]:
    return {
        "system_name": profile.system_name,
        "system_code": profile.system_code,
        "subdivision_id": profile.subdivision_id,
        "serial": profile.serial,
        "subject": profile.subject,
    }


def save(
    organization: Organization,
    profile: ExchangeProfile | None,
    values: dict[str, Any],
    certificate: CertificateFacts | None,
) -> ExchangeProfile:
    """Add a profile (``profile`` is ``None``; a certificate is then required) or change one (``certificate``
    ``None`` keeps its certificate). ``values``: ``system_name``, ``system_code``, ``subdivision_id`` (one of
    :func:`places`). Raises :class:`Refused` (``code_taken``) when another profile of the organization has the code.
    The caller commits."""
    if _code_taken(organization.id, values["system_code"], profile.id if profile is not None else None):
        raise Refused(
            [Refusal("code_taken", _l("Another information system of the organization already has this code."))]
        )
    before = _facts(profile) if profile is not None else None
    if profile is None:
        assert certificate is not None
        profile = ExchangeProfile(organization_id=organization.id)
        session.add(profile)
    profile.system_name = values["system_name"]
    profile.system_code = values["system_code"]
    profile.subdivision_id = values.get("subdivision_id")
    if certificate is not None:
        profile.certificate = certificate.pem
        profile.subject = certificate.subject
        profile.issuer = certificate.issuer
        profile.serial = certificate.serial
        profile.valid_from = certificate.valid_from
        profile.valid_to = certificate.valid_to
    session.flush()
    audit("dmdk.exchange_profile.save", "dmdk_exchange_profile", profile.id, before, _facts(profile))
    return profile


def remove(profile: ExchangeProfile) -> None:
    """Delete a profile. The caller commits."""
    profile_id, before = profile.id, _facts(profile)
    session.delete(profile)
    session.flush()
    audit("dmdk.exchange_profile.delete", "dmdk_exchange_profile", profile_id, before, None)


def is_place(organization: Organization, subdivision_id: int | None) -> bool:
    """Whether ``subdivision_id`` is the organization itself (``None``) or one of its subdivisions."""
    return any(place == subdivision_id for place, _name in places(organization))
