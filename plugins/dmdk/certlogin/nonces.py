"""Login challenges: issued with a short life, claimed once (an atomic update, so two attempts never share one)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, select, update

from core.api import session, utcnow
from plugins.dmdk.models import LoginNonce

FRESH = "fresh"
UNKNOWN = "unknown"
USED = "used"
EXPIRED = "expired"


def issue_nonce(ttl_seconds: int) -> LoginNonce:
    """A new challenge of the current tenant living ``ttl_seconds``."""
    nonce = LoginNonce(value=secrets.token_urlsafe(24), expires_at=utcnow() + timedelta(seconds=ttl_seconds))
    session.add(nonce)
    session.flush()
    return nonce


def claim_nonce(value: str) -> str:
    """Use challenge ``value`` up: :data:`FRESH` the first time within its life, else :data:`UNKNOWN`,
    :data:`USED` (a replay) or :data:`EXPIRED`. Any attempt uses it up, successful or not."""
    value = value.strip()[:64]
    row = session.scalar(select(LoginNonce).where(LoginNonce.value == value)) if value else None
    if row is None:
        return UNKNOWN
    now = utcnow()
    claimed = session.execute(
        update(LoginNonce)
        .where(LoginNonce.id == row.id, LoginNonce.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        return USED
    if row.expires_at <= now:
        return EXPIRED
    return FRESH


def purge_nonces(tenant, now) -> dict[str, int]:
    """Delete the tenant's challenges that expired more than an hour ago (a ``TenantJob``); says how many."""
    result = session.execute(
        delete(LoginNonce)
        .where(LoginNonce.expires_at < now - timedelta(hours=1))
        .execution_options(synchronize_session=False)
    )
    return {"deleted": result.rowcount or 0}
