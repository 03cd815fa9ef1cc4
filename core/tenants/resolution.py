"""Which tenant a request is for: by custom domain, by subdomain, or by ``/t/<slug>/`` on a platform host.

The path prefix is moved from ``PATH_INFO`` to ``SCRIPT_NAME`` by :class:`TenantPathPrefix`, so every
route is written once and ``url_for`` keeps the prefix in the links it builds.
"""

from __future__ import annotations

import re

from flask import current_app, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.config_version import process_cache
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


class UnknownHost(Exception):
    """The request names a host that is neither a tenant's domain nor one of the platform's hosts."""


def request_host() -> str:
    host = (request.host or "").lower()
    if host.startswith("["):  # [::1]:5000
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0].rstrip(".")


def _tenant_of_host(db: Session, host: str) -> Tenant | None:
    """The tenant whose own domain ``host`` is (a custom domain or ``<slug>.<base domain>``)."""
    tenant = db.scalar(select(Tenant).join(TenantDomain).where(TenantDomain.host == host))
    if tenant is not None:
        return tenant
    sub = _base_subdomain(host)
    return db.scalar(select(Tenant).where(Tenant.slug == sub)) if sub else None


def _base_subdomain(host: str) -> str | None:
    """``acme`` for ``acme.<base domain>``, else ``None``."""
    base = current_app.config["BASE_DOMAIN"]
    if base and host.endswith("." + base) and SLUG_RE.match(host[: -len(base) - 1]):
        return host[: -len(base) - 1]
    return None


def find_tenant_for_request(db: Session) -> Tenant | None:
    """The request's one tenant, decided by its host; ``None`` when there is no such tenant (404).

    On a tenant's own domain that tenant is the only one: a ``/t/<other>/`` prefix there finds
    nothing. The path prefix picks a tenant only on the platform's hosts (``PLATFORM_HOSTS`` and the
    host of ``BASE_URL``). Any other host raises :class:`UnknownHost`: nothing the app builds may
    come from a host nobody configured.

    The answer is kept per worker (:mod:`core.db.config_version`: any change to a tenant or a domain
    drops it); the tenant comes back attached to ``db``, so a view may change and commit it.
    """
    slug = request.environ.get(ENVIRON_SLUG)
    host = request_host()
    found = process_cache().get(
        ("tenant-of", host, slug),
        lambda: _detached(db, _find_tenant(db, host, slug)),
        keep=lambda tenant: tenant is not None,  # made-up hosts and slugs are not remembered
    )
    return db.merge(found, load=False) if found is not None else None


def _detached(db: Session, tenant: Tenant | None) -> Tenant | None:
    """A copy of ``tenant`` that belongs to no session (safe to share between requests)."""
    if tenant is None:
        return None
    db.expunge(tenant)
    return tenant


def _find_tenant(db: Session, host: str, slug: str | None) -> Tenant | None:
    own = _tenant_of_host(db, host)
    if own is not None:
        return own if slug in (None, own.slug) else None
    if host in current_app.config["PLATFORM_HOSTS"]:
        return db.scalar(select(Tenant).where(Tenant.slug == (slug or PLATFORM_SLUG)))
    if _base_subdomain(host):  # one of ours, for a tenant that does not exist
        return None
    raise UnknownHost(host)
