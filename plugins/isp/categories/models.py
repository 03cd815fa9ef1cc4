"""Subscriber categories as per-tenant data (cable, Wi-Fi, satellite, radio access points …)."""

from __future__ import annotations

from sqlalchemy import String, UniqueConstraint, event, select
from sqlalchemy.orm import Mapped, mapped_column

from core.api import Base, TenantOwned
from plugins.isp.models import Product


class SubscriberCategory(TenantOwned, Base):
    """A category of subscribers: its own login tab when ``login_tab``; contracts and tariffs name it by ``code``."""

    __tablename__ = "isp_categories"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(100))
    login_tab: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=100)


@event.listens_for(Product, "before_insert")
def _offer_new_products_to_every_category(_mapper, connection, product: Product) -> None:
    """A product created without categories is offered to every category of its tenant (as the form's default)."""
    if product.categories:
        return
    table = SubscriberCategory.__table__
    rows = connection.execute(
        select(table.c.code).where(table.c.tenant_id == product.tenant_id).order_by(table.c.position, table.c.id)
    )
    product.categories = [row[0] for row in rows] or ["cable", "wifi"]
