"""Termination of a contract by the subscriber's application (расторжение договора по заявлению)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.api import Base, TenantOwned, utcnow
from plugins.isp.models import Contract

SCHEDULED = "scheduled"
DONE = "done"
CANCELLED = "cancelled"


class Termination(TenantOwned, Base):
    """The contract ends on ``ends_on`` (its last day of service); ``open_slot`` = contract id while scheduled.

    When the day has passed, the final charge is run, the personal account is closed and the row
    becomes ``done`` with the final balance; the subscriber's login keeps read-only access.
    """

    __tablename__ = "isp_terminations"
    __table_args__ = (
        UniqueConstraint("tenant_id", "open_slot"),
        Index("ix_isp_terminations_tenant_contract", "tenant_id", "contract_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("isp_contracts.id"))
    ends_on: Mapped[date]
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=SCHEDULED)
    open_slot: Mapped[int | None] = mapped_column(nullable=True)
    # Subscription id → its ``ends_on`` before the termination cut it (ISO date or None), for a cancel.
    previous_ends: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    final_balance: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)

    contract: Mapped[Contract] = relationship()
