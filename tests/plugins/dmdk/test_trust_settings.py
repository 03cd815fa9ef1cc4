"""The tenant admin sets the trust store, revocation lists and trusted proxies on a page; bad input is explained."""

from __future__ import annotations

from core.api import get_settings, tenant_scope
from core.testing.fixtures import tenant_path
from tests.plugins.dmdk import pki


def test_the_admin_sets_the_trust_store_and_sees_the_authorities(app, make_tenant, make_user, enable_plugin, login):
    tenant = make_tenant("trust", locale="en")
    enable_plugin(tenant, "dmdk")
    admin = login(tenant, make_user(tenant, "admin@trust.example", roles=("tenant_admin",)))
    subscriber = login(tenant, make_user(tenant, "user@trust.example"))
    url = tenant_path(tenant, "/dmdk/admin/certificates")
    assert subscriber.get(url).status_code == 403
    assert app.test_client().get(url).status_code == 302
    assert "No authority is trusted yet" in admin.get(url).get_data(as_text=True)

    root = pki.root("Корневой УЦ")
    form = {
        "trust_roots": "not a certificate",
        "crl": "",
        "nonce_ttl_seconds": "300",
        "proxy_addresses": "10.0.0.5\nproxy.local",
        "proxy_header": "X-SSL-Client-Cert",
    }
    refused = admin.submit(url, form)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Paste PEM certificates" in text and "must be an IP address" in text

    saved = admin.submit(
        url, {**form, "trust_roots": root.pem, "crl": root.revocation_list(), "proxy_addresses": "10.0.0.5"}
    )
    assert saved.status_code == 302
    page = admin.get(url).get_data(as_text=True)
    assert "Корневой УЦ" in page and "10.0.0.5" in page
    with app.app_context(), tenant_scope(tenant.id):
        settings = get_settings("dmdk.certlogin")
        assert settings.proxy_addresses == ("10.0.0.5",) and "BEGIN CERTIFICATE" in settings.trust_roots
