"""Tenant rows. Tenants and their domains are platform-level: they are read before a tenant is known."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db.base import Base, utcnow
from core.db.config_version import invalidates_caches

TENANT_ACTIVE = "active"
TENANT_SUSPENDED = "suspended"
PLATFORM_SLUG = "platform"


@invalidates_caches
class Tenant(Base):
    """A provider: its site, branding, contacts, legal and bank details, locale and domains."""

    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default=TENANT_ACTIVE)
    locale: Mapped[str] = mapped_column(String(10), default="ru")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Moscow")
    login_identifier: Mapped[str] = mapped_column(String(20), default="email")
    password_reset: Mapped[str] = mapped_column(String(20), default="link")
    branding: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    contacts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    legal: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    bank: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    logo_mime: Mapped[str | None] = mapped_column(String(50), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    domains: Mapped[list[TenantDomain]] = relationship(
        back_populates="tenant", cascade="all, delete-orphan", order_by="TenantDomain.host"
    )

    @property
    def is_active(self) -> bool:
        return self.status == TENANT_ACTIVE

    @property
    def is_platform(self) -> bool:
        return self.slug == PLATFORM_SLUG

    # The tenant's clock: the one place that turns a moment into the tenant's local time and calendar day.
    @property
    def zone(self) -> ZoneInfo:
        """The tenant's time zone (it decides the charge day, deadlines and every date shown)."""
        return ZoneInfo(self.timezone)

    def local_time(self, moment: datetime | None = None) -> datetime:
        """``moment`` (now by default; naive means UTC) in the tenant's time zone."""
        moment = moment or datetime.now(UTC)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(self.zone)

    def today(self, moment: datetime | None = None) -> date:
        """The calendar day at the tenant's location at ``moment`` (now by default)."""
        return self.local_time(moment).date()

    def __repr__(self) -> str:
        return f"<Tenant {self.slug}>"


@invalidates_caches
class TenantDomain(Base):
    """A host name that resolves to a tenant (custom domain or subdomain)."""

    __tablename__ = "tenant_domains"
    __table_args__ = (UniqueConstraint("host"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    host: Mapped[str] = mapped_column(String(253))

    tenant: Mapped[Tenant] = relationship(back_populates="domains")
