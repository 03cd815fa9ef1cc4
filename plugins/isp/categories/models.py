"""Subscriber categories as per-tenant data (cable, Wi-Fi, satellite, radio access points …)."""

from __future__ import annotations

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.api import Base, TenantOwned


class SubscriberCategory(TenantOwned, Base):
    """A category of subscribers: its own login tab when ``login_tab``; contracts and tariffs name it by ``code``."""

    __tablename__ = "isp_categories"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(100))
    login_tab: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=100)
