"""The dmdk plugin's tables (its own Alembic branch ``dmdk``; row-level security on each)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.api import Base, TenantOwned, utcnow


class LoginNonce(TenantOwned, Base):
    """A single-use challenge for a certificate login: issued with a short life, used at the first attempt."""

    __tablename__ = "dmdk_login_nonces"
    __table_args__ = (UniqueConstraint("tenant_id", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None] = mapped_column(nullable=True)


class CertificateHolder(TenantOwned, Base):
    """Who a certificate logs in as: a user known by the SNILS and/or personal INN of their certificates."""

    __tablename__ = "dmdk_certificate_holders"
    __table_args__ = (
        UniqueConstraint("tenant_id", "user_id"),
        UniqueConstraint("tenant_id", "snils"),
        UniqueConstraint("tenant_id", "inn"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    snils: Mapped[str | None] = mapped_column(String(11), nullable=True)
    inn: Mapped[str | None] = mapped_column(String(12), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
