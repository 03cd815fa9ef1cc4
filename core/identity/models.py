"""Users, their sessions/tokens, one-time tokens and organizations. All tenant-owned."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db.base import Base, TenantOwned, utcnow
from core.db.tenant_keys import tenant_ref

USER_ACTIVE = "active"
USER_BLOCKED = "blocked"
USER_DELETED = "deleted"
USER_STATUSES = (USER_ACTIVE, USER_BLOCKED, USER_DELETED)


class User(TenantOwned, Base):
    """A person who logs in to one tenant's site. ``login`` is the normalised login identifier."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("tenant_id", "login"), Index("ix_users_tenant_email", "tenant_id", "email"))

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(254))
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    email_confirmed: Mapped[bool] = mapped_column(default=False)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default=USER_ACTIVE)
    locale: Mapped[str | None] = mapped_column(String(10), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # Case-folded login, name and e-mail for search: SQLite's lower() does not fold Cyrillic.
    search_text: Mapped[str] = mapped_column(String(800), default="")

    # Flask-Login protocol. The id kept in the session cookie is the server-side session's secret
    # (set by the login view and the user loader), so revoking that row logs the browser out.
    session_token = None
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.status == USER_ACTIVE

    @property
    def display_name(self) -> str:
        return self.full_name or self.login

    def __repr__(self) -> str:
        return f"<User {self.login}@{self.tenant_id}>"


@event.listens_for(User, "before_insert")
@event.listens_for(User, "before_update")
def _fill_search_text(_mapper, _connection, user: User) -> None:
    user.search_text = " ".join(filter(None, (user.login, user.full_name, user.email, user.phone))).casefold()


class AuthSession(TenantOwned, Base):
    """A logged-in browser session or a mobile-app API token. Only a hash of the secret is stored.

    Revoking the row ends the session everywhere at once: every worker reads it from the database.
    """

    __tablename__ = "auth_sessions"
    __table_args__ = (
        UniqueConstraint("tenant_id", "token_hash"),
        Index("ix_auth_sessions_user", "tenant_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = tenant_ref("users", ondelete="CASCADE")
    kind: Mapped[str] = mapped_column(String(10))  # "web" or "api"
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(nullable=True)
    ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class OneTimeToken(TenantOwned, Base):
    """A single-use, expiring secret mailed to a user: password reset or e-mail confirmation."""

    __tablename__ = "one_time_tokens"
    __table_args__ = (UniqueConstraint("tenant_id", "token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = tenant_ref("users", ondelete="CASCADE")
    purpose: Mapped[str] = mapped_column(String(30))
    token_hash: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None] = mapped_column(nullable=True)


class PasswordResetRequest(TenantOwned, Base):
    """A "forgot my password" request waiting for the ``core.identity.reset_mail`` job.

    The web request only writes this row, the same for a known and an unknown login, so neither the
    answer nor its timing tells whether the account exists. The job looks the login up and, if it
    exists, stores the token (``token_hash``) and queues the mail carrying ``link``.
    """

    __tablename__ = "password_reset_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64))
    link: Mapped[str] = mapped_column(String(2000))
    ip: Mapped[str] = mapped_column(String(45), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Organization(TenantOwned, Base):
    """An organization inside a tenant (a registry participant, a legal-entity subscriber).

    Core keeps only the tree (``parent_id`` for subdivisions) so role assignments can be scoped to
    it; plugins keep their own profile rows keyed by ``organization_id``.
    """

    __tablename__ = "organizations"
    __table_args__ = (Index("ix_organizations_tenant_parent", "tenant_id", "parent_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    parent_id: Mapped[int | None] = tenant_ref("organizations", ondelete="CASCADE", nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LoginThrottle(Base):
    """Back-off counters shared by every worker process (platform-level: keys name the tenant and a hash).

    ``failures`` counts events (failed logins, reset requests) since the counter was last forgotten;
    see :mod:`core.identity.throttle`.
    """

    __tablename__ = "login_throttle"
    __table_args__ = (Index("ix_login_throttle_last_event_at", "last_event_at"),)

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_event_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(nullable=True)
