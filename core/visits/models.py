"""Technician visit requests and their scheduled slots."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, TenantOwned, utcnow
from core.db.tenant_keys import tenant_ref

REQUESTED = "requested"
SCHEDULED = "scheduled"
DONE = "done"
NOT_DONE = "not_done"
CANCELLED = "cancelled"


class VisitRequest(TenantOwned, Base):
    """A subscriber asks for a specialist at an address; operators schedule it into a slot."""

    __tablename__ = "visit_requests"
    __table_args__ = (
        Index("ix_visit_requests_slot", "tenant_id", "slot_date", "slot_window", "status"),
        Index("ix_visit_requests_author", "tenant_id", "author_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = tenant_ref("users")
    personal_account_id: Mapped[int | None] = tenant_ref("personal_accounts", nullable=True)
    address: Mapped[str] = mapped_column(String(400))
    reason: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text, default="")
    preferred: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{"date": ..., "window": ...}]
    status: Mapped[str] = mapped_column(String(20), default=REQUESTED)
    slot_date: Mapped[date | None] = mapped_column(nullable=True)
    slot_window: Mapped[str | None] = mapped_column(String(20), nullable=True)  # "09-12"
    technician_id: Mapped[int | None] = tenant_ref("users", nullable=True)
    result_comment: Mapped[str] = mapped_column(Text, default="")
    rating: Mapped[int | None] = mapped_column(nullable=True)
    rating_comment: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    scheduled_at: Mapped[datetime | None] = mapped_column(nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(nullable=True)
