"""The one answer to "which tenant does this code run for?", in a request, a job or a CLI command."""

from __future__ import annotations

from flask import g, has_app_context

from core.db import session
from core.db.tenancy import current_tenant_id
from core.tenants.models import Tenant


class NoTenantError(RuntimeError):
    """Code that needs a tenant ran outside a request and outside ``tenant_scope``."""


def current_tenant() -> Tenant:
    """The tenant of the current request, or of the ``tenant_scope`` a job or command runs in.

    Raises :class:`NoTenantError` outside both (platform code runs ``cross_tenant`` and names tenants itself).
    """
    scoped_id = current_tenant_id()
    tenant = g.get("tenant") if has_app_context() else None
    if tenant is not None and (scoped_id is None or tenant.id == scoped_id):
        return tenant
    if scoped_id is None:
        raise NoTenantError("no current tenant: run inside a request or core.api.tenant_scope(tenant_id)")
    found = session.get(Tenant, scoped_id)
    if found is None:
        raise NoTenantError(f"tenant {scoped_id} does not exist")
    return found
