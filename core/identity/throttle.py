"""Throttling of logins and reset requests with exponential back-off, shared by all worker processes.

Counters are kept per tenant: per (tenant, IP), per (tenant, account) and per (tenant, reset target).
A counter allows ``free`` events; after that each further one makes the key wait ``base``, then twice
as long, and so on up to ``cap``. A counter is forgotten ``memory`` after its last event, and the
``core.identity.housekeeping`` job deletes forgotten rows. Nobody is locked out for long by someone
else: the back-off is short at first, and :func:`core.identity.service.authenticate` still checks the
password of an account in back-off when it comes from an IP with no failures of its own.

Each event is counted with one atomic upsert (``INSERT … ON CONFLICT DO UPDATE``), so several workers
never lose an increment. Keys hold a hash of the login or IP, so their length is bounded whatever
the input. The counters are written in the caller's transaction: the views commit it on failure too.

Plugins reach this module as ``core.api.throttle`` to limit their own public forms (a key ``scope`` of their
own, a :class:`Backoff` whose ``memory`` is at most six hours, so housekeeping prunes the rows): look the
keys up with :func:`counters`/:func:`waiting_until`, count an event with :func:`register`, forget with
:func:`clear`, and tell the visitor :func:`minutes_left`.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core.db import session, utcnow
from core.identity.models import LoginThrottle

__all__ = ["Backoff", "clear", "counters", "key", "minutes_left", "register", "waiting_until"]

LOGIN_ACCOUNT = "acct"
LOGIN_IP = "ip"
RESET_ACCOUNT = "reset-acct"
RESET_IP = "reset-ip"


@dataclass(frozen=True)
class Backoff:
    """``free`` events, then waits of ``base``, 2×``base``, 4×``base`` … at most ``cap``."""

    free: int
    base: timedelta
    cap: timedelta
    memory: timedelta = timedelta(hours=1)

    def delay(self, events: int) -> timedelta:
        """How long the key waits after its ``events``-th event in a row."""
        if events < self.free:
            return timedelta(0)
        return min(self.base * 2 ** min(events - self.free, 30), self.cap)


def key(scope: str, tenant_id: int, value: str) -> str:
    """The counter key of ``value`` (a login or an IP) in ``tenant_id``; bounded length whatever ``value`` is."""
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:40]
    return f"{scope}:{tenant_id}:{digest}"


def counters(keys: list[str], memory: timedelta) -> dict[str, LoginThrottle]:
    """The live counters among ``keys`` (those not yet forgotten), by key."""
    since = utcnow() - memory
    rows = session.scalars(
        select(LoginThrottle).where(LoginThrottle.key.in_(keys), LoginThrottle.last_event_at >= since)
    )
    return {row.key: row for row in rows}


def waiting_until(row: LoginThrottle | None) -> datetime | None:
    """When ``row``'s back-off ends, or ``None`` if it may act now."""
    if row is None or row.locked_until is None or row.locked_until <= utcnow():
        return None
    return row.locked_until


def minutes_left(until: datetime) -> int:
    """Whole minutes (at least one) until ``until``, for "try again in N min." messages."""
    return max(1, math.ceil((until - utcnow()).total_seconds() / 60))


def register(key_: str, policy: Backoff) -> datetime | None:
    """Count one event (a failed login, a reset request) for ``key_``; returns the end of its back-off, if any."""
    now = utcnow()
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = LoginThrottle.__table__
    forgotten = table.c.last_event_at < now - policy.memory
    stmt = insert(table).values(key=key_, failures=1, last_event_at=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"failures": case((forgotten, 1), else_=table.c.failures + 1), "last_event_at": now},
    )
    session.execute(stmt)
    events = session.execute(select(LoginThrottle.failures).where(LoginThrottle.key == key_)).scalar_one()
    delay = policy.delay(events)
    until = now + delay if delay else None
    session.execute(update(LoginThrottle).where(LoginThrottle.key == key_).values(locked_until=until))
    return until


def clear(key_: str) -> None:
    """Forget the counter of ``key_`` (after a successful login)."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == key_))


def prune(now: datetime | None = None) -> int:
    """Delete the counters nobody needs any more (idle longer than the longest memory); returns how many."""
    now = now or utcnow()
    memory = max(policy.memory for policy in (*login_policies(), *reset_policies()))
    result = session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.last_event_at < now - memory,
            or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < now),
        )
    )
    return result.rowcount or 0


def login_policies() -> tuple[Backoff, Backoff]:
    """(per account, per IP) failed-login back-off from the app config."""
    cfg = current_app.config
    cap = timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"])
    base = timedelta(seconds=30)
    return (
        Backoff(cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"], base, cap),
        Backoff(cfg["LOGIN_MAX_FAILURES_PER_IP"], base, cap),
    )


def reset_policies() -> tuple[Backoff, Backoff]:
    """(per login, per IP) password-reset request limits: a few an hour, then back-off up to an hour."""
    return (
        Backoff(3, timedelta(minutes=5), timedelta(hours=1), memory=timedelta(hours=6)),
        Backoff(10, timedelta(minutes=5), timedelta(hours=1), memory=timedelta(hours=6)),
    )
