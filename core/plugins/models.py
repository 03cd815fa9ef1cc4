"""Per-tenant plugin enablement (a plugin's settings live in the one settings store, ``tenant_settings``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, TenantOwned, utcnow
from core.db.config_version import invalidates_caches


@invalidates_caches
class TenantPlugin(TenantOwned, Base):
    """Whether a plugin is on for a tenant (its settings are the ``tenant_settings`` namespace named after it)."""

    __tablename__ = "tenant_plugins"
    __table_args__ = (UniqueConstraint("tenant_id", "plugin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plugin: Mapped[str] = mapped_column(String(60))
    enabled: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
