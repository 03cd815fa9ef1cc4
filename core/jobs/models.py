"""What the job queue remembers in the database: which period of a periodic job was claimed and how each job
last ended (per tenant for per-tenant jobs) — platform tables, they belong to no tenant — and the operators'
background tasks (tenant-owned)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, TenantOwned, utcnow

# A background task's states.
QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"


class JobSlot(Base):
    """A periodic job's period (``slot`` = seconds since the epoch // period) that one consumer claimed.

    The primary key makes the claim atomic: however many consumers' schedulers fire, one insert wins.
    """

    __tablename__ = "job_slots"

    job: Mapped[str] = mapped_column(String(120), primary_key=True)
    slot: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)


class JobOutcome(Base):
    """How a job last ended: for a per-tenant job, one row per tenant (``tenant`` is ``""`` otherwise)."""

    __tablename__ = "job_outcomes"

    job: Mapped[str] = mapped_column(String(120), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(63), primary_key=True, default="")
    finished_at: Mapped[datetime] = mapped_column(default=utcnow)
    ok: Mapped[bool] = mapped_column(default=True)
    detail: Mapped[str] = mapped_column(Text, default="")


class BackgroundTask(TenantOwned, Base):
    """One run of a long operator action (:class:`~core.plugins.types.BackgroundAction`) on the job queue.

    ``done`` of ``total`` (``None``: not known yet) is the progress the action reports; ``figures`` its result.
    """

    __tablename__ = "background_tasks"
    __table_args__ = (Index("ix_background_tasks_tenant_status", "tenant_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(120))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default=QUEUED)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int | None] = mapped_column(nullable=True)
    figures: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(260), default="")
    actor_user_id: Mapped[int | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(nullable=True)  # claimed or last progress
