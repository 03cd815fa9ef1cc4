"""A client certificate passed by a TLS-terminating proxy, believed only from the configured proxy addresses.

The proxy (nginx: ``proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;``) verified that the browser
holds the certificate's key; the header is read only when the connection comes from one of the tenant's
``proxy_addresses`` — from anyone else it is ignored. The address is the connection's own, before core's
``TRUSTED_PROXIES`` rewrite (``ProxyFix`` keeps it in the environ).
"""

from __future__ import annotations

from urllib.parse import unquote

from flask import Request
from flask_babel import gettext as _

from plugins.dmdk.certlogin.checks import Problem
from plugins.dmdk.certlogin.settings import certlogin_settings

MAX_HEADER = 64 * 1024


def peer_address(request: Request) -> str:
    """The address of the machine that opened the connection (the proxy, if any)."""
    original = request.environ.get("werkzeug.proxy_fix.orig") or {}
    return original.get("REMOTE_ADDR") or request.remote_addr or ""


def proxy_certificate(request: Request) -> tuple[str | None, Problem | None]:
    """The PEM certificate the proxy passed, or ``None`` and why there is none to use."""
    settings = certlogin_settings()
    raw = request.headers.get(settings.proxy_header, "")
    peer = peer_address(request)
    if peer not in settings.proxy_addresses:
        if raw:
            return None, Problem(
                "untrusted_proxy",
                _(
                    "A client certificate came from %(address)s, which is not a trusted proxy of this site: it was "
                    "ignored. Log in by signing the challenge instead.",
                    address=peer,
                ),
            )
        return None, Problem(
            "no_proxy", _("This site receives no client certificates from a proxy: log in by signing the challenge.")
        )
    if not raw:
        return None, Problem(
            "no_client_certificate",
            _("The browser presented no certificate: choose your certificate when the browser asks, then try again."),
        )
    return unquote(raw[:MAX_HEADER]), None
