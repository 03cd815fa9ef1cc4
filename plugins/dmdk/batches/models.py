"""The batch register's tables: batches with their УИН, transfer specifications and the batches each lists.

The plugin's package imports this module next to :mod:`plugins.dmdk.models` (so the app, Alembic and the tenancy
checks see the tables; importing it from ``plugins.dmdk.models`` would make an import cycle, as the batch services
use that module). The dmdk branch's revision ``e2a9c47b1d53`` creates them with row-level security.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.api import Base, TenantOwned, tenant_ref, utcnow


class Specification(TenantOwned, Base):
    """A transfer specification: batches of ``sender_id`` offered to ``receiver_id`` (both registered
    organizations of the tenant). ``status``: draft → sent → accepted or returned (with ``reason``)."""

    __tablename__ = "dmdk_specifications"
    __table_args__ = (
        Index("ix_dmdk_specifications_sender", "tenant_id", "sender_id", "id"),
        Index("ix_dmdk_specifications_receiver", "tenant_id", "receiver_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[int] = tenant_ref("organizations", ondelete="CASCADE")
    receiver_id: Mapped[int] = tenant_ref("organizations", ondelete="CASCADE")
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(500), default="")  # why the receiver returned it
    created_by: Mapped[int | None] = tenant_ref("users", nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(nullable=True)
    decided_by: Mapped[int | None] = tenant_ref("users", nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(nullable=True)


class Batch(TenantOwned, Base):
    """A batch of precious metal: an article (product), a semi-finished product or metal, known by its УИН.

    ``organization_id`` is its owner; ``specification_id`` the one specification (draft or sent) that holds it,
    so a batch is never in two transfers at once. Weight in milligrams, fineness in tenths of a per mille.
    """

    __tablename__ = "dmdk_batches"
    __table_args__ = (
        UniqueConstraint("tenant_id", "uin"),
        Index("ix_dmdk_batches_owner", "tenant_id", "organization_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uin: Mapped[str] = mapped_column(String(16))
    organization_id: Mapped[int] = tenant_ref("organizations", ondelete="CASCADE")
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    metal: Mapped[str] = mapped_column(String(20))
    fineness: Mapped[int] = mapped_column()  # tenths of a per mille: 585‰ → 5850
    weight_mg: Mapped[int] = mapped_column(BigInteger)
    count: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(20))
    specification_id: Mapped[int | None] = tenant_ref("dmdk_specifications", nullable=True)
    write_off_reason: Mapped[str] = mapped_column(String(500), default="")
    created_by: Mapped[int | None] = tenant_ref("users", nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    registered_at: Mapped[datetime | None] = mapped_column(nullable=True)
    written_off_at: Mapped[datetime | None] = mapped_column(nullable=True)


class SpecificationItem(TenantOwned, Base):
    """One batch listed in a specification (kept after the transfer: what was transferred, and when)."""

    __tablename__ = "dmdk_specification_items"
    __table_args__ = (
        UniqueConstraint("tenant_id", "specification_id", "batch_id"),
        Index("ix_dmdk_specification_items_batch", "tenant_id", "batch_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    specification_id: Mapped[int] = tenant_ref("dmdk_specifications", ondelete="CASCADE")
    batch_id: Mapped[int] = tenant_ref("dmdk_batches", ondelete="CASCADE")
