"""Single-use, expiring tokens sent by e-mail (password reset, e-mail confirmation)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from core.db import session, utcnow
from core.identity.models import OneTimeToken, User
from core.identity.sessions import token_hash

PASSWORD_RESET = "password_reset"
EMAIL_CHANGE = "email_change"


def issue_token(user: User, purpose: str, ttl: timedelta, payload: dict[str, Any] | None = None) -> str:
    """Create a token for ``user``; returns the secret to put in a link (only its hash is stored)."""
    secret = new_secret()
    store_token(user, purpose, ttl, token_hash(secret), payload)
    return secret


def new_secret() -> str:
    """A fresh random secret for a mailed link."""
    return secrets.token_urlsafe(32)


def store_token(user: User, purpose: str, ttl: timedelta, hashed: str, payload: dict[str, Any] | None = None) -> None:
    """Store a token whose secret (hashed to ``hashed``) was made earlier (see :func:`new_secret`)."""
    session.add(
        OneTimeToken(
            user_id=user.id, purpose=purpose, token_hash=hashed, payload=payload or {}, expires_at=utcnow() + ttl
        )
    )


def peek_token(secret: str, purpose: str) -> OneTimeToken | None:
    """The live token for ``secret`` (unused, unexpired, of this purpose), without using it."""
    row = session.scalar(select(OneTimeToken).where(OneTimeToken.token_hash == token_hash(secret or "")))
    if row is None or row.purpose != purpose or row.used_at is not None or row.expires_at <= utcnow():
        return None
    return row


def use_token(secret: str, purpose: str) -> OneTimeToken | None:
    """Mark the token used and return it, or ``None`` if it is unknown, used or expired."""
    row = peek_token(secret, purpose)
    if row is None:
        return None
    # A conditional update, so two requests racing with one link cannot both use it.
    result = session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.id == row.id, OneTimeToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return row if result.rowcount == 1 else None


def revoke_tokens(user: User, purpose: str) -> None:
    """Void every outstanding token of ``user`` for ``purpose`` (a newer one was issued, or the password changed)."""
    session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.user_id == user.id, OneTimeToken.purpose == purpose, OneTimeToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
