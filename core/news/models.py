"""News items and who has read them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, TenantOwned, utcnow
from core.db.tenant_keys import tenant_ref


class NewsItem(TenantOwned, Base):
    """A piece of news. ``audience`` is empty for everyone, else ``{"filter": key, "value": …}`` from a plugin."""

    __tablename__ = "news_items"
    __table_args__ = (Index("ix_news_items_published", "tenant_id", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    important: Mapped[bool] = mapped_column(default=False)
    expires_at: Mapped[datetime | None] = mapped_column(nullable=True)
    public: Mapped[bool] = mapped_column(default=True)
    audience: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    author_id: Mapped[int | None] = tenant_ref("users", nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NewsRead(TenantOwned, Base):
    """A user has read (or dismissed the banner of) a news item."""

    __tablename__ = "news_reads"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id", "news_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = tenant_ref("users", ondelete="CASCADE")
    news_id: Mapped[int] = tenant_ref("news_items", ondelete="CASCADE")
    read_at: Mapped[datetime] = mapped_column(default=utcnow)
