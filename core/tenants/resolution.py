"""Which tenant a request is for: by path prefix ``/t/<slug>/``, by custom domain, or by subdomain.

The path prefix is moved from ``PATH_INFO`` to ``SCRIPT_NAME`` by :class:`TenantPathPrefix`, so every
route is written once and ``url_for`` keeps the prefix in the links it builds.
"""

from __future__ import annotations

import re

from flask import current_app, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.tenants.models import PLATFORM_SLUG, Tenant, TenantDomain

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_PREFIX_RE = re.compile(r"^/t/([a-z0-9][a-z0-9-]{0,62})(/.*)?$")
ENVIRON_SLUG = "abonent.tenant_slug"


class TenantPathPrefix:
    """WSGI middleware: ``/t/<slug>/rest`` becomes SCRIPT_NAME ``…/t/<slug>`` and PATH_INFO ``/rest``."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        match = _PREFIX_RE.match(environ.get("PATH_INFO", ""))
        if match:
            slug = match.group(1)
            environ[ENVIRON_SLUG] = slug
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + f"/t/{slug}"
            environ["PATH_INFO"] = match.group(2) or "/"
        return self.wsgi_app(environ, start_response)


def request_host() -> str:
    return request.host.rsplit(":", 1)[0].lower().rstrip(".") if request.host else ""


def find_tenant_for_request(db: Session) -> Tenant | None:
    """The tenant named by the request's path prefix or host, or ``None`` when nothing matches."""
    slug = request.environ.get(ENVIRON_SLUG)
    if slug:
        return db.scalar(select(Tenant).where(Tenant.slug == slug))
    host = request_host()
    tenant = db.scalar(select(Tenant).join(TenantDomain).where(TenantDomain.host == host))
    if tenant is not None:
        return tenant
    if host in current_app.config["PLATFORM_HOSTS"]:
        return db.scalar(select(Tenant).where(Tenant.slug == PLATFORM_SLUG))
    base = current_app.config["BASE_DOMAIN"]
    if base and host.endswith("." + base):
        sub = host[: -len(base) - 1]
        if SLUG_RE.match(sub):
            return db.scalar(select(Tenant).where(Tenant.slug == sub))
    return None
