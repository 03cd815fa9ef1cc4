"""Roles and role assignments, per tenant and optionally per organization."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db.base import Base, TenantOwned, utcnow
from core.db.config_version import invalidates_caches
from core.db.tenant_keys import tenant_ref


@invalidates_caches  # a role's permissions are configuration (e.g. who staffs the support queue)
class Role(TenantOwned, Base):
    """A named set of permissions in one tenant.

    Built-in and plugin roles (``source`` = ``core`` or the plugin name) take their permissions from
    the registry at check time, so a newly installed plugin's defaults apply without a data change;
    ``extra_permissions`` holds what a tenant admin granted on top.
    """

    __tablename__ = "roles"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(String(60), default="core")
    organization_scoped: Mapped[bool] = mapped_column(default=False)
    extra_permissions: Mapped[list[str]] = mapped_column(JSON, default=list)


class RoleAssignment(TenantOwned, Base):
    """A user holds a role in the tenant, or inside one organization (and its subdivisions)."""

    __tablename__ = "role_assignments"
    __table_args__ = (
        UniqueConstraint("tenant_id", "user_id", "role_id", "organization_id"),
        Index("ix_role_assignments_user", "tenant_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = tenant_ref("users", ondelete="CASCADE")
    role_id: Mapped[int] = tenant_ref("roles", ondelete="CASCADE")
    organization_id: Mapped[int | None] = tenant_ref("organizations", ondelete="CASCADE", nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    role: Mapped[Role] = relationship(foreign_keys=[role_id], lazy="joined")
