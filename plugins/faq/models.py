"""FAQ entries."""

from __future__ import annotations

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.api import Base, TenantOwned, invalidates_caches


@invalidates_caches  # the dashboard keeps the questions per process
class FaqEntry(TenantOwned, Base):
    """One question with its answer; lower ``position`` comes first."""

    __tablename__ = "faq_entries"
    __table_args__ = (Index("ix_faq_entries_tenant_position", "tenant_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(String(300))
    answer: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=100)
    published: Mapped[bool] = mapped_column(default=True)
