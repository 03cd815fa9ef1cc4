"""The applications tables (the ``dmdk`` Alembic branch; row-level security like every dmdk table)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.api import Base, TenantOwned, tenant_ref, utcnow


class Application(TenantOwned, Base):
    """An organization's application for special registration; its number is its id.

    ``status`` is ``draft``, ``submitted``, ``registered`` or ``rejected`` (since ``status_changed_at``); a
    registered one has the registry card's number and date, a rejected one the reason.
    """

    __tablename__ = "dmdk_applications"
    __table_args__ = (
        Index("ix_dmdk_applications_organization", "tenant_id", "organization_id"),
        Index("ix_dmdk_applications_status", "tenant_id", "status", "status_changed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = tenant_ref("organizations", ondelete="CASCADE")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    created_by: Mapped[int | None] = tenant_ref("users", nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(nullable=True)
    card_number: Mapped[str | None] = mapped_column(String(50), nullable=True)
    registered_on: Mapped[date | None] = mapped_column(nullable=True)
    rejection_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class ApplicationDocument(TenantOwned, Base):
    """A document of the organization attached to an application."""

    __tablename__ = "dmdk_application_documents"
    __table_args__ = (
        UniqueConstraint("tenant_id", "application_id", "document_id"),
        Index("ix_dmdk_application_documents_document", "tenant_id", "document_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = tenant_ref("dmdk_applications", ondelete="CASCADE")
    document_id: Mapped[int] = tenant_ref("dmdk_documents", ondelete="CASCADE")
    attached_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApplicationStatusChange(TenantOwned, Base):
    """One step of an application's timeline (append-only: rows are only ever added): the status it entered, when,
    who moved it and the step's note (the card number, the rejection reason)."""

    __tablename__ = "dmdk_application_status_changes"
    __table_args__ = (Index("ix_dmdk_application_status_changes_application", "tenant_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = tenant_ref("dmdk_applications", ondelete="CASCADE")
    status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = tenant_ref("users", nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)
