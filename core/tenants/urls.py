"""Absolute addresses of a tenant's site, built from configuration — never from the request.

Every link that leaves the request (mail, notices, the payment gateway's return and notification
addresses, the address printed for a subscriber) is built here, so a forged ``Host`` header cannot put
another site's address into it. A tenant's address is, in this order:

* its ``site.url`` setting (``[settings.site] url = "https://cabinet.example"`` in the tenant file),
  which should be one of its domains;
* else ``ABONENT_BASE_URL/t/<slug>`` (path routing on the platform's own host).

The platform tenant's address is ``ABONENT_BASE_URL``.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from marshmallow import RAISE, Schema, fields

from core.db import tenant_scope
from core.settings.service import get_settings
from core.settings.types import SettingsNamespace
from core.tenants.models import Tenant

NAMESPACE = "site"


class SiteSettings(Schema):
    """The tenant site's public address (scheme, host and optional port; no path)."""

    class Meta:
        unknown = RAISE

    url = fields.Url(load_default="", schemes={"http", "https"}, require_tld=False)


SETTINGS = SettingsNamespace(NAMESPACE, SiteSettings)


def _configured_url(tenant: Tenant) -> str:
    with tenant_scope(tenant.id):
        return get_settings(NAMESPACE).url.rstrip("/")


def site_url(tenant: Tenant) -> str:
    """The tenant site's public address without a trailing slash, e.g. ``https://cabinet.example``."""
    base = current_app.config["BASE_URL"]
    if tenant.is_platform:
        return base
    configured = _configured_url(tenant)
    return configured or f"{base}/t/{tenant.slug}"


def site_path(endpoint: str, **values: Any) -> str:
    """``endpoint``'s path inside any tenant's site (``/news/5``), built without a request."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def external_url(tenant: Tenant, endpoint: str, **values: Any) -> str:
    """The absolute address of ``endpoint`` on ``tenant``'s site (for mail, gateways, printed links)."""
    return site_url(tenant) + site_path(endpoint, **values)


def absolute_link(tenant: Tenant, link: str) -> str:
    """A link for mail: a path inside the site gets the site's address; http(s) URLs stay; others go."""
    if link.startswith("/") and not link.startswith("//"):
        return site_url(tenant) + link
    return link if link.startswith(("https://", "http://")) else ""
