"""Login throttling per account and per IP, shared by all worker processes through the database.

Each failure is counted with one atomic upsert (``INSERT … ON CONFLICT DO UPDATE``), so several
workers never lose an increment. The counters are written in the caller's transaction: the login
views commit it on failure too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core.db import session, utcnow
from core.identity.models import LoginThrottle


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int
    window: timedelta
    lock_for: timedelta


def account_key(tenant_id: int, login: str) -> str:
    return f"acct:{tenant_id}:{login}"


def ip_key(ip: str) -> str:
    return f"ip:{ip}"


def locked_until(keys: list[str]) -> datetime | None:
    """The latest lock among ``keys`` that is still in force, or ``None``."""
    now = utcnow()
    rows = session.scalars(
        select(LoginThrottle.locked_until).where(LoginThrottle.key.in_(keys), LoginThrottle.locked_until > now)
    )
    locks = [value for value in rows if value is not None]
    return max(locks) if locks else None


def _upsert(key: str, window: timedelta, now: datetime) -> None:
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = LoginThrottle.__table__
    expired = table.c.window_started_at < now - window
    stmt = insert(table).values(key=key, failures=1, window_started_at=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "failures": case((expired, 1), else_=table.c.failures + 1),
            "window_started_at": case((expired, now), else_=table.c.window_started_at),
        },
    )
    session.execute(stmt)


def register_failure(key: str, policy: ThrottlePolicy) -> bool:
    """Count a failed login for ``key``; lock it when the limit is reached. Returns True if now locked."""
    now = utcnow()
    _upsert(key, policy.window, now)
    failures = session.execute(select(LoginThrottle.failures).where(LoginThrottle.key == key)).scalar_one()
    if failures >= policy.max_failures:
        session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.key == key)
            .values(locked_until=now + policy.lock_for, failures=0, window_started_at=now)
        )
        return True
    return False


def clear(key: str) -> None:
    """Forget the failures of ``key`` after a successful login."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))


def policies() -> tuple[ThrottlePolicy, ThrottlePolicy]:
    """(per account, per IP) from the app config."""
    cfg = current_app.config
    lock = timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"])
    window = timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"])
    return (
        ThrottlePolicy(cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"], window, lock),
        ThrottlePolicy(cfg["LOGIN_MAX_FAILURES_PER_IP"], window, lock),
    )
