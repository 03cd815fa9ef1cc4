"""Server-side sessions and API tokens: one table, so revocation is immediate in every worker."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import has_request_context, request
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload

from core.access.models import RoleAssignment
from core.access.service import remember_assignments
from core.db import session, utcnow
from core.db.tenancy import built_once
from core.identity.models import AuthSession, User

WEB = "web"
API = "api"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(user: User, kind: str, ttl: timedelta) -> tuple[str, AuthSession]:
    """Create a session or API token for ``user``; returns the secret (shown once) and the row (written at the
    next flush, so a login's writes go out together at its commit)."""
    token = secrets.token_urlsafe(32)
    row = AuthSession(
        user_id=user.id,
        kind=kind,
        token_hash=token_hash(token),
        expires_at=utcnow() + ttl,
        ip=(request.remote_addr or "") if has_request_context() else "",
        user_agent=(request.user_agent.string or "")[:300] if has_request_context() else "",
    )
    session.add(row)
    return token, row


_FIND_SESSION = built_once(  # every request of a logged-in user
    select(AuthSession, RoleAssignment)
    .options(joinedload(AuthSession.user))
    .outerjoin(RoleAssignment, RoleAssignment.user_id == AuthSession.user_id)
    .where(AuthSession.token_hash == bindparam("token_hash"), AuthSession.kind == bindparam("kind"))
    .order_by(RoleAssignment.id)
)


def find_session(token: str, kind: str) -> AuthSession | None:
    """The live session for ``token`` in the current tenant, or ``None`` (expired, revoked, unknown).

    One statement per request: the user and their role assignments come with the session (the
    assignments seed :mod:`core.access`'s memo, so the first permission check reads nothing more).
    """
    if not token:
        return None
    rows = session.execute(_FIND_SESSION, {"token_hash": token_hash(token), "kind": kind}).all()
    if not rows:
        return None
    row = rows[0][0]
    if row.revoked_at is not None or row.expires_at <= utcnow() or not row.user.is_active:
        return None
    remember_assignments(row.user, [assignment for _row, assignment in rows if assignment is not None])
    return row


def revoke(row: AuthSession) -> None:
    if row.revoked_at is None:
        row.revoked_at = utcnow()


def revoke_all(user: User, keep: AuthSession | None = None) -> int:
    """Revoke every live session and token of ``user`` except ``keep``; returns how many."""
    stmt = update(AuthSession).where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
    if keep is not None:
        stmt = stmt.where(AuthSession.id != keep.id)
    result = session.execute(stmt.values(revoked_at=utcnow()).execution_options(synchronize_session=False))
    return result.rowcount or 0
