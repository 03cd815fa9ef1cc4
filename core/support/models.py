"""Tickets, their messages (with internal notes) and status history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db.base import Base, TenantOwned, utcnow
from core.db.tenant_keys import tenant_ref

NEW = "new"
IN_PROGRESS = "in_progress"
WAITING = "waiting"  # for the subscriber
RESOLVED = "resolved"
CLOSED = "closed"
DECLINED = "declined"
STATUSES = (NEW, IN_PROGRESS, WAITING, RESOLVED, CLOSED, DECLINED)
OPEN_STATUSES = (NEW, IN_PROGRESS, WAITING)


class Ticket(TenantOwned, Base):
    """A conversation a subscriber (or a plugin on their behalf) opened with the provider."""

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_queue", "tenant_id", "status", "created_at"),
        Index("ix_tickets_author", "tenant_id", "author_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = tenant_ref("users")
    personal_account_id: Mapped[int | None] = tenant_ref("personal_accounts", nullable=True)
    category: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default=NEW)
    assignee_id: Mapped[int | None] = tenant_ref("users", nullable=True)
    source: Mapped[str] = mapped_column(String(40), default="web")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    response_due_at: Mapped[datetime | None] = mapped_column(nullable=True)
    resolution_due_at: Mapped[datetime | None] = mapped_column(nullable=True)
    first_response_at: Mapped[datetime | None] = mapped_column(nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    rating: Mapped[int | None] = mapped_column(nullable=True)
    rating_comment: Mapped[str] = mapped_column(String(500), default="")
    merged_into_id: Mapped[int | None] = tenant_ref("tickets", nullable=True)

    messages: Mapped[list[TicketMessage]] = relationship(
        order_by="TicketMessage.id", back_populates="ticket", foreign_keys="TicketMessage.ticket_id"
    )


class TicketMessage(TenantOwned, Base):
    """One message of a conversation. ``internal`` notes are for operators only."""

    __tablename__ = "ticket_messages"
    __table_args__ = (Index("ix_ticket_messages_ticket", "tenant_id", "ticket_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = tenant_ref("tickets")
    author_id: Mapped[int | None] = tenant_ref("users", nullable=True)
    body: Mapped[str] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="messages", foreign_keys=[ticket_id])


class TicketStatusChange(TenantOwned, Base):
    """A timestamped step of a ticket's life."""

    __tablename__ = "ticket_status_changes"
    __table_args__ = (Index("ix_ticket_status_changes_ticket", "tenant_id", "ticket_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = tenant_ref("tickets")
    from_status: Mapped[str] = mapped_column(String(20), default="")
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = tenant_ref("users", nullable=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
