"""acme_guard's tables: every tenant-owned row inherits ``TenantOwned`` (isolation is automatic)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.api import Base, TenantOwned, utcnow


class AcmeGuardItem(TenantOwned, Base):
    """One item of a tenant; ``title`` is unique within the tenant."""

    __tablename__ = "acme_guard_items"
    __table_args__ = (Index("ix_acme_guard_items_tenant_title", "tenant_id", "title", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
