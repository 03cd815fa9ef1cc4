"""The exchange profiles table (the ``dmdk`` Alembic branch; row-level security like every dmdk table)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.api import Base, TenantOwned, tenant_ref, utcnow


class ExchangeProfile(TenantOwned, Base):
    """An information system of the organization (``subdivision_id``: of one of its subdivisions) and its
    certificate: the PEM as uploaded and what it says (subject, issuer, serial number, validity)."""

    __tablename__ = "dmdk_exchange_profiles"
    __table_args__ = (UniqueConstraint("tenant_id", "organization_id", "system_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = tenant_ref("organizations", ondelete="CASCADE")
    subdivision_id: Mapped[int | None] = tenant_ref("organizations", ondelete="CASCADE", nullable=True)
    system_name: Mapped[str] = mapped_column(String(200))
    system_code: Mapped[str] = mapped_column(String(50))
    certificate: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(String(500))
    issuer: Mapped[str] = mapped_column(String(500))
    serial: Mapped[str] = mapped_column(String(100))
    valid_from: Mapped[datetime] = mapped_column()
    valid_to: Mapped[datetime] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
