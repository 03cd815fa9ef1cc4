"""The documents table (the ``dmdk`` Alembic branch; row-level security like every dmdk table)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.api import Base, TenantOwned, tenant_ref, utcnow


class Document(TenantOwned, Base):
    """One document of an organization: its type (a code of :data:`~plugins.dmdk.documents.types.DOCUMENT_TYPES`),
    number, date, expiry date and the file in core's storage (owner ``dmdk_document``)."""

    __tablename__ = "dmdk_documents"
    __table_args__ = (
        Index("ix_dmdk_documents_organization", "tenant_id", "organization_id"),
        Index("ix_dmdk_documents_expires_on", "tenant_id", "expires_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = tenant_ref("organizations", ondelete="CASCADE")
    type_code: Mapped[str] = mapped_column(String(40))
    number: Mapped[str] = mapped_column(String(100))
    issued_on: Mapped[date] = mapped_column()
    expires_on: Mapped[date] = mapped_column()
    file_id: Mapped[int | None] = tenant_ref("stored_files", nullable=True)
    uploaded_by: Mapped[int | None] = tenant_ref("users", nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
