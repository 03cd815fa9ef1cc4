"""In-app notifications and each user's preferences per kind."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, TenantOwned, utcnow
from core.db.tenant_keys import tenant_ref


class Notification(TenantOwned, Base):
    """A notice in the user's notification centre."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_unread", "tenant_id", "user_id", "read_at"),
        UniqueConstraint("tenant_id", "user_id", "dedupe_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = tenant_ref("users", ondelete="CASCADE")
    kind: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(300), default="")
    dedupe_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(nullable=True)


class NotificationPreference(TenantOwned, Base):
    """Whether a user wants a kind of notification in the app and by e-mail."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = tenant_ref("users", ondelete="CASCADE")
    kind: Mapped[str] = mapped_column(String(60))
    in_app: Mapped[bool] = mapped_column(default=True)
    email: Mapped[bool] = mapped_column(default=True)
