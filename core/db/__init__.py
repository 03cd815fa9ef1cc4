"""Database layer: declarative base, engine/session per app, and the tenant guard."""

from core.db.base import Base, TenantOwned, utcnow
from core.db.session import Database, get_session, session
from core.db.tenancy import (
    TenantScopeError,
    cross_tenant,
    current_tenant_id,
    tenant_scope,
)
from core.db.tenant_keys import tenant_ref

__all__ = [
    "Base",
    "Database",
    "TenantOwned",
    "TenantScopeError",
    "cross_tenant",
    "current_tenant_id",
    "get_session",
    "session",
    "tenant_ref",
    "tenant_scope",
    "utcnow",
]
