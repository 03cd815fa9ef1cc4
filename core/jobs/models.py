"""What the job queue remembers in the database: which period of a periodic job was claimed, and how each job
last ended (per tenant for per-tenant jobs). Platform tables: they belong to no tenant."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, utcnow


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
