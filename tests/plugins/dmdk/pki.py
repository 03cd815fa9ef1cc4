"""A throwaway certification authority for the tests: roots, intermediates, people's certificates, revocation lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from plugins.dmdk.certlogin.certs import OID_INN, OID_INNLE, OID_OGRN, OID_SNILS

NOW = datetime.now(UTC)


def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def ec_key():
    return ec.generate_private_key(ec.SECP256R1())


def pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def key_pem(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@dataclass
class Authority:
    """A CA: its key and self-signed (or parent-signed) certificate."""

    key: object
    cert: x509.Certificate

    @property
    def pem(self) -> str:
        return pem(self.cert)

    def issue(
        self,
        key,
        *,
        name: str = "Иванов Иван",
        inn: str | None = "500100732259",
        inn_le: str | None = "7707083893",
        snils: str | None = "11223344595",
        ogrn: str | None = "1027700132195",
        organization: str = "АО «Ювелир»",
        not_before: datetime | None = None,
        not_after: datetime | None = None,
        ca: bool = False,
        extensions: tuple[x509.ExtensionType, ...] = (),
    ) -> x509.Certificate:
        attributes = [x509.NameAttribute(NameOID.COMMON_NAME, name)]
        if not ca:
            attributes += [
                x509.NameAttribute(NameOID.SURNAME, name.split()[0]),
                x509.NameAttribute(NameOID.GIVEN_NAME, " ".join(name.split()[1:]) or name),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            ]
            for oid, value in ((OID_INN, inn), (OID_INNLE, inn_le), (OID_SNILS, snils), (OID_OGRN, ogrn)):
                if value:
                    attributes.append(x509.NameAttribute(oid, value))
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name(attributes))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before or NOW - timedelta(days=30))
            .not_valid_after(not_after or NOW + timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        for extension in extensions:
            builder = builder.add_extension(extension, critical=False)
        return builder.sign(self.key, hashes.SHA256())

    def revocation_list(self, *revoked: x509.Certificate, next_update: datetime | None = None) -> str:
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.cert.subject)
            .last_update(NOW - timedelta(days=30))
            .next_update(next_update or NOW + timedelta(days=7))
        )
        for cert in revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(cert.serial_number)
                .revocation_date(NOW - timedelta(hours=2))
                .build()
            )
        return builder.sign(self.key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM).decode()


def root(name: str = "Тестовый УЦ", key=None) -> Authority:
    key = key or rsa_key()
    subject = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, name), x509.NameAttribute(NameOID.ORGANIZATION_NAME, name)]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=365))
        .not_valid_after(NOW + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return Authority(key, cert)


def intermediate(parent: Authority, name: str = "Промежуточный УЦ") -> Authority:
    key = ec_key()
    cert = parent.issue(key, name=name, ca=True)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    assert cert.subject == subject
    return Authority(key, cert)
