"""The demo's certification authority and people's certificates, as PEM files in a folder of the instance.

Made on the first ``abonent demo`` and reused on every later start (a missing, unreadable or expiring file is made
again; a person's new certificate names the same SNILS and INN, so it logs in as the same account). Private keys
are written readable by their owner only and never leave the instance folder. The keys are ECDSA P-256, which
the certificate login checks (:mod:`plugins.dmdk.certlogin.verifiers`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from plugins.dmdk.certlogin.certs import OID_INN, OID_INNLE, OID_OGRN, OID_SNILS
from plugins.dmdk.certlogin.signing import SigningError, load_private_key

CA_NAME = "Демо-УЦ ДМДК"
CA_YEARS = 10
PERSON_DAYS = 730
RENEW_BEFORE = timedelta(days=30)  # a certificate closer than this to its end is made again


@dataclass(frozen=True)
class Holder:
    """Whom a demo certificate names: the person (SNILS, personal INN) and the organization they act for."""

    full_name: str
    snils: str
    inn: str
    organization: str = ""
    organization_inn: str = ""
    organization_ogrn: str = ""


@dataclass(frozen=True)
class KeyPair:
    """A key file and its certificate file."""

    key: Path
    cert: Path

    @property
    def certificate_pem(self) -> str:
        return self.cert.read_text(encoding="ascii")


def _now() -> datetime:
    return datetime.now(UTC)


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    data = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def _write_cert(path: Path, cert: x509.Certificate) -> None:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _read(pair: KeyPair) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate] | None:
    """The pair's key and certificate when both are readable, match each other and the certificate is not ending."""
    try:
        key = load_private_key(pair.key.read_bytes())
        cert = x509.load_pem_x509_certificate(pair.cert.read_bytes())
    except (OSError, ValueError, SigningError):
        return None
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    same = key.public_key().public_bytes(serialization.Encoding.DER, spki) == cert.public_key().public_bytes(
        serialization.Encoding.DER, spki
    )
    if not same or cert.not_valid_after_utc - RENEW_BEFORE < _now():
        return None
    return key, cert  # type: ignore[return-value]


class DemoAuthority:
    """The demo CA of one folder: ``ca.key`` and ``ca.pem``, made once."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pair = KeyPair(folder / "ca.key", folder / "ca.pem")
        folder.mkdir(parents=True, exist_ok=True)
        found = _read(self.pair)
        if found is None:
            found = self._make()
        self.key, self.cert = found

    @property
    def pem(self) -> str:
        return self.pair.certificate_pem

    def _make(self) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name(
            [x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME), x509.NameAttribute(NameOID.ORGANIZATION_NAME, CA_NAME)]
        )
        now = _now()
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365 * CA_YEARS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(key, hashes.SHA256())
        )
        _write_key(self.pair.key, key)
        _write_cert(self.pair.cert, cert)
        return key, cert

    def person(self, stem: str, holder: Holder) -> KeyPair:
        """``<stem>.key`` and ``<stem>.pem`` of ``holder``, issued by this CA (the existing ones when still good)."""
        pair = KeyPair(self.folder / f"{stem}.key", self.folder / f"{stem}.pem")
        found = _read(pair)
        if found is not None and found[1].issuer == self.cert.subject and self._signed(found[1]):
            return pair
        key = ec.generate_private_key(ec.SECP256R1())
        _write_key(pair.key, key)
        _write_cert(pair.cert, self._issue(key, holder))
        return pair

    def _signed(self, cert: x509.Certificate) -> bool:
        try:
            cert.verify_directly_issued_by(self.cert)
        except (InvalidSignature, ValueError, TypeError):
            return False
        return True

    def _issue(self, key: ec.EllipticCurvePrivateKey, holder: Holder) -> x509.Certificate:
        surname, _space, given = holder.full_name.partition(" ")
        attributes = [
            x509.NameAttribute(NameOID.COMMON_NAME, holder.full_name),
            x509.NameAttribute(NameOID.SURNAME, surname),
            x509.NameAttribute(NameOID.GIVEN_NAME, given or surname),
            x509.NameAttribute(OID_SNILS, holder.snils),
            x509.NameAttribute(OID_INN, holder.inn),
        ]
        if holder.organization:
            attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, holder.organization))
        if holder.organization_inn:
            attributes.append(x509.NameAttribute(OID_INNLE, holder.organization_inn))
        if holder.organization_ogrn:
            attributes.append(x509.NameAttribute(OID_OGRN, holder.organization_ogrn))
        now = _now()
        return (
            x509.CertificateBuilder()
            .subject_name(x509.Name(attributes))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=PERSON_DAYS))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(self.key, hashes.SHA256())
        )
