"""Stored files (attachments of support messages, visit photos, documents)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, TenantOwned, utcnow
from core.db.tenant_keys import tenant_ref


class StoredFile(TenantOwned, Base):
    """A file in the tenant's storage under a generated name; ``owner`` says what it is attached to."""

    __tablename__ = "stored_files"
    __table_args__ = (Index("ix_stored_files_owner", "tenant_id", "owner_type", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_type: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[int] = mapped_column()
    filename: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200))
    # Users are never deleted (only marked so); no ON DELETE SET NULL, which would null tenant_id too.
    uploaded_by: Mapped[int | None] = tenant_ref("users", nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
