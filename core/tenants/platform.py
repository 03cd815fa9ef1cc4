"""The platform tenant: the site of the installation's own administrators."""

from __future__ import annotations

from sqlalchemy import select

from core.access.service import ensure_roles
from core.db import session, tenant_scope
from core.tenants.models import PLATFORM_SLUG, Tenant


def ensure_platform_tenant() -> Tenant:
    """Create the platform tenant and its roles if missing (idempotent); the caller commits."""
    tenant = session.scalar(select(Tenant).where(Tenant.slug == PLATFORM_SLUG))
    if tenant is None:
        tenant = Tenant(slug=PLATFORM_SLUG, name="Abonent", login_identifier="email", locale="ru")
        session.add(tenant)
        session.flush()
    with tenant_scope(tenant.id):
        ensure_roles(tenant, set())
    return tenant
