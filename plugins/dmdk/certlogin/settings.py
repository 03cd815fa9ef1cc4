"""The tenant's certificate-login settings: the ``dmdk.certlogin`` namespace of the one settings system.

Set them in the tenant file under ``[settings."dmdk.certlogin"]``: ``trust_roots`` (PEM certificates of the
trusted root and intermediate CAs), ``crl`` (PEM revocation lists of those CAs), ``nonce_ttl_seconds``,
``proxy_addresses`` (addresses of the TLS-terminating proxies allowed to pass a client certificate) and
``proxy_header`` (the header they pass it in, URL-encoded PEM as nginx's ``$ssl_client_escaped_cert``).
"""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from core.api import N_, SettingsNamespace, get_settings

NAMESPACE = "dmdk.certlogin"


class CertLoginSettings(Schema):
    """Trust store, revocation lists, challenge life and the trusted proxies."""

    class Meta:
        unknown = RAISE

    trust_roots = fields.String(
        load_default="",
        validate=validate.Length(max=200_000),
        metadata={"title": N_("Trusted CA certificates (PEM)"), "kind": "textarea"},
    )
    crl = fields.String(
        load_default="",
        validate=validate.Length(max=2_000_000),
        metadata={"title": N_("Certificate revocation lists (PEM)"), "kind": "textarea"},
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


SETTINGS = SettingsNamespace(NAMESPACE, CertLoginSettings)


def certlogin_settings():
    """The current tenant's certificate-login settings."""
    return get_settings(NAMESPACE)
