"""One-time services ordered from the cabinet (installation of video surveillance …) and their orders."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.api import Base, TenantOwned, utcnow
from plugins.isp.models import Contract

ORDERED = "ordered"
CANCELLED = "cancelled"


class OneTimeService(TenantOwned, Base):
    """A catalogue item charged once when ordered; ``needs_visit`` asks the subscriber for a visit slot."""

    __tablename__ = "isp_onetime_services"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[int] = mapped_column(BigInteger, default=0)
    needs_visit: Mapped[bool] = mapped_column(default=True)
    archived: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=100)


class OneTimeOrder(TenantOwned, Base):
    """A subscriber's order: the price charged to the contract and the technician visit booked for it."""

    __tablename__ = "isp_onetime_orders"
    __table_args__ = (Index("ix_isp_onetime_orders_tenant_contract", "tenant_id", "contract_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("isp_contracts.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("isp_onetime_services.id"))
    price: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20), default=ORDERED)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit_requests.id"), nullable=True)
    ordered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contract: Mapped[Contract] = relationship()
    service: Mapped[OneTimeService] = relationship(lazy="joined")
