"""The tenant's certificate-login settings: the ``dmdk.certlogin`` namespace of the one settings system.

Set them in the tenant file under ``[settings."dmdk.certlogin"]``: ``trust_roots`` (PEM certificates of the
trusted root and intermediate CAs), ``crl`` (PEM revocation lists of those CAs), ``nonce_ttl_seconds``,
``proxy_addresses`` (addresses of the TLS-terminating proxies allowed to pass a client certificate) and
``proxy_header`` (the header they pass it in, URL-encoded PEM as nginx's ``$ssl_client_escaped_cert``).
"""

from __future__ import annotations

import ipaddress

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates

from core.api import N_, SettingsNamespace, get_settings
from plugins.dmdk.certlogin.certs import CertificateFormatError, load_certificates, load_crls

NAMESPACE = "dmdk.certlogin"


class CertLoginSettings(Schema):
    """Trust store, revocation lists, challenge life and the trusted proxies."""

    class Meta:
        unknown = RAISE

    trust_roots = fields.String(
        load_default="",
        validate=validate.Length(max=200_000),
        metadata={"title": N_("Trusted CA certificates (PEM)")},
    )
    crl = fields.String(
        load_default="",
        validate=validate.Length(max=2_000_000),
        metadata={"title": N_("Certificate revocation lists (PEM)")},
    )
    nonce_ttl_seconds = fields.Integer(
        load_default=300,
        validate=validate.Range(min=30, max=3600),
        metadata={"title": N_("How long a login challenge lives, seconds")},
    )
    proxy_addresses = fields.List(
        fields.String(validate=validate.Length(max=64)),
        load_default=list,
        metadata={"title": N_("Addresses of the proxies that pass a client certificate")},
    )
    proxy_header = fields.String(
        load_default="X-SSL-Client-Cert",
        validate=validate.Regexp(r"^[A-Za-z0-9-]{1,64}$"),
        metadata={"title": N_("The header with the client certificate")},
    )

    @validates("trust_roots")
    def _roots(self, value: str, **_kwargs) -> None:
        if not value.strip():
            return
        try:
            load_certificates(value)
        except CertificateFormatError:
            raise ValidationError(N_("Paste PEM certificates, each from «-----BEGIN CERTIFICATE-----».")) from None
        if "-----BEGIN CERTIFICATE-----" not in value:
            raise ValidationError(N_("Paste PEM certificates, each from «-----BEGIN CERTIFICATE-----»."))

    @validates("crl")
    def _crls(self, value: str, **_kwargs) -> None:
        if not value.strip():
            return
        blocks = value.count("-----BEGIN X509 CRL-----")
        if not blocks or len(load_crls(value)) != blocks:
            raise ValidationError(N_("Paste PEM revocation lists, each from «-----BEGIN X509 CRL-----»."))

    @validates("proxy_addresses")
    def _addresses(self, value: list[str], **_kwargs) -> None:
        for address in value:
            try:
                ipaddress.ip_address(address.strip())
            except ValueError:
                raise ValidationError(N_("Each line must be an IP address, such as 10.0.0.5.")) from None


SETTINGS = SettingsNamespace(NAMESPACE, CertLoginSettings)


def certlogin_settings():
    """The current tenant's certificate-login settings."""
    return get_settings(NAMESPACE)
