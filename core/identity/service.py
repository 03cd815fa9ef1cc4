"""Public identity service: logging in, creating subscribers, passwords, profile and user status.

Every function works in the current tenant (``g.tenant``/``tenant_scope``) and leaves committing
to the caller, so a view's whole change lands in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.access.service import assign_role, user_roles
from core.audit.service import record as audit
from core.db import session, utcnow
from core.db.session import begin_writing, read_only_transactions
from core.identity import throttle
from core.identity.identifiers import LOGIN_EMAIL, MAX_LOGIN_LENGTH, is_valid_email, normalize_email, normalize_login
from core.identity.models import USER_ACTIVE, USER_DELETED, USER_STATUSES, PasswordResetRequest, User
from core.identity.passwords import (
    MAX_PASSWORD_LENGTH,
    generate_password,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from core.identity.sessions import revoke_all, token_hash
from core.identity.tokens import (
    EMAIL_CHANGE,
    PASSWORD_RESET,
    issue_token,
    new_secret,
    revoke_tokens,
    store_token,
    use_token,
)
from core.mail.outbox import queue_mail
from core.tenants.models import Tenant


class IdentityError(ValueError):
    """Input refused; ``field`` names the form field, the message says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class LoginResult:
    """The outcome of a login attempt. ``error`` is ``None``, ``"invalid"``, ``"locked"`` or ``"blocked"``."""

    user: User | None
    error: str | None = None
    locked_until: datetime | None = None


def find_user(tenant: Tenant, raw_login: str) -> User | None:
    """The user of ``tenant`` with this login identifier (normalised per the tenant's policy)."""
    login = normalize_login(tenant.login_identifier, raw_login)
    if not login:
        return None
    return session.scalar(select(User).where(User.login == login))


def authenticate(tenant: Tenant, raw_login: str, password: str, ip: str) -> LoginResult:
    """Check a login and password, throttling failures per (tenant, IP) and per (tenant, account).

    * An IP in back-off is refused before the password is checked.
    * An account in back-off is refused the same way, except from an IP with no failures of its own
      in this tenant: so strangers' failures never lock the owner out, and each further wrong guess
      makes the account and that IP wait longer (exponential back-off, see :mod:`throttle`).
    * An overlong login or password is a failure without a database lookup.
    * A blocked user learns it only after giving the right password.
    * The password is checked with no transaction open (the request's is committed first), and a hash made
      with other argon2 parameters than the app's is replaced. A view calling this is best marked
      :func:`~core.db.session.reads_before_writing`: on SQLite it then holds the write lock only for the
      few writes at the end (no counter to clear on a good login with no earlier failures).

    ``LoginResult.locked_until`` tells a refused caller how long to wait.
    """
    per_account, per_ip = throttle.login_policies()
    login = normalize_login(tenant.login_identifier, raw_login[:MAX_LOGIN_LENGTH])
    account_key = throttle.key(throttle.LOGIN_ACCOUNT, tenant.id, login)
    ip_key = throttle.key(throttle.LOGIN_IP, tenant.id, ip)
    overlong = len(raw_login) > MAX_LOGIN_LENGTH or len(password) > MAX_PASSWORD_LENGTH
    # The reads come first, in a read-only transaction that ends before the password is checked: argon2 takes
    # tens of milliseconds of CPU, and on SQLite a write transaction (BEGIN IMMEDIATE) would hold the database's
    # one write lock all that time. The writes after the check (throttle, last login, a new hash) are short.
    session.commit()  # whatever the request did before (a login request has nothing pending)
    with read_only_transactions():
        live = throttle.counters([account_key, ip_key], per_account.memory)
        user = None if overlong else find_user(tenant, raw_login)
        session.commit()
    begin_writing()  # what follows writes first (a counter, the last login, a session): no stale read to upgrade
    ip_wait = throttle.waiting_until(live.get(ip_key))
    if ip_wait is not None:
        return LoginResult(None, "locked", ip_wait)
    account_wait = throttle.waiting_until(live.get(account_key))
    if account_wait is not None and ip_key in live:
        return LoginResult(None, "locked", account_wait)
    stored = user.password_hash if user is not None and user.status != USER_DELETED else None
    verified = not overlong and verify_password(stored, password)  # no transaction open: see above
    new_hash = hash_password(password) if verified and stored and needs_rehash(stored) else None
    if not verified:
        if not overlong:
            throttle.register(account_key, per_account)
        throttle.register(ip_key, per_ip)
        return LoginResult(None, "invalid")
    assert user is not None
    if user.status != USER_ACTIVE:
        return LoginResult(None, "blocked")
    if account_key in live:  # a counter older than its memory is started afresh by the next failure anyway
        throttle.clear(account_key)
    if new_hash is not None:
        user.password_hash = new_hash  # the app's hashing parameters changed since this hash was made
    user.last_login_at = utcnow()
    return LoginResult(user)


def create_user(
    tenant: Tenant,
    login: str,
    *,
    full_name: str = "",
    email: str | None = None,
    phone: str = "",
    roles: tuple[str, ...] = ("subscriber",),
    password: str | None = None,
) -> tuple[User, str]:
    """Create a user with a random password (unless given); returns the user and the password.

    Raises :class:`IdentityError` for an empty or taken login or a malformed e-mail.
    """
    normalized = normalize_login(tenant.login_identifier, login)
    if not normalized:
        raise IdentityError("login", str(_l("Enter the login.")))
    if tenant.login_identifier == LOGIN_EMAIL and not is_valid_email(normalized):
        raise IdentityError("login", str(_l("The login must be an e-mail address.")))
    if session.scalar(select(User.id).where(User.login == normalized)) is not None:
        raise IdentityError("login", str(_l("This login is already taken.")))
    email_value = normalize_email(email) if email else (normalized if tenant.login_identifier == LOGIN_EMAIL else None)
    if email_value and not is_valid_email(email_value):
        raise IdentityError("email", str(_l("Enter a valid e-mail address.")))
    if password is not None:
        problem = password_problem(password, staff=any(role != "subscriber" for role in roles), login=normalized)
        if problem:
            raise IdentityError("password", problem)
    secret = password or generate_password()
    user = User(
        login=normalized,
        full_name=full_name.strip(),
        email=email_value,
        email_confirmed=False,
        phone=phone.strip(),
        password_hash=hash_password(secret),
        status=USER_ACTIVE,
    )
    session.add(user)
    session.flush()
    for role in roles:
        assign_role(user, role)
    audit("user.create", "user", user.id, None, {"login": user.login, "roles": list(roles)})
    return user, secret


def set_status(user: User, status: str) -> None:
    """Activate, block or delete a user; blocking and deleting end every session and token at once."""
    if status not in USER_STATUSES:
        raise IdentityError("status", f"unknown status {status!r}")
    before = user.status
    user.status = status
    if status != USER_ACTIVE:
        revoke_all(user)
    audit("user.status", "user", user.id, {"status": before}, {"status": status})


def reset_password_by_operator(user: User) -> str:
    """Give ``user`` a new random password (for a new credentials sheet); ends their sessions."""
    secret = generate_password()
    _store_password(user, secret)
    revoke_all(user)
    audit("user.password_reset_by_operator", "user", user.id)
    return secret


def change_password(user: User, current: str, new: str, keep=None) -> None:
    """Change the password after re-checking the current one; ends every other session."""
    if not verify_password(user.password_hash, current):
        raise IdentityError("current_password", str(_l("The current password is wrong.")))
    _set_new_password(user, new)
    revoke_all(user, keep=keep)
    audit("user.password_change", "user", user.id)


def is_staff(user: User) -> bool:
    """True when ``user`` holds any role besides "subscriber" (staff passwords must be longer)."""
    return any(assignment.role.code != "subscriber" for assignment in user_roles(user))


def check_new_password(user: User, new: str) -> str | None:
    """Why ``new`` cannot be ``user``'s password under the policy (a translated sentence), or ``None``."""
    return password_problem(new, staff=is_staff(user), login=user.login)


def _set_new_password(user: User, new: str) -> None:
    problem = check_new_password(user, new)
    if problem:
        raise IdentityError("new_password", problem)
    _store_password(user, new)


def _store_password(user: User, password: str) -> None:
    """Every password change goes through here: it voids the reset links still in the user's mailbox."""
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    revoke_tokens(user, PASSWORD_RESET)


def request_password_reset(tenant: Tenant, raw_login: str, ip: str, link_for) -> None:
    """Record a "forgot my password" request; the ``core.identity.reset_mail`` job mails the link.

    The request does the same work whether the login exists or not (no lookup: two counters and
    one row), so neither the answer nor its timing reveals an account. Requests are limited per
    login and per IP (:func:`throttle.reset_policies`); one over the limit is dropped silently, with
    the same answer. ``link_for(secret)`` builds the absolute link to put in the mail.
    """
    login = normalize_login(tenant.login_identifier, raw_login[:MAX_LOGIN_LENGTH])
    if not login:
        return
    per_login, per_ip = throttle.reset_policies()
    keys = [throttle.key(throttle.RESET_ACCOUNT, tenant.id, login), throttle.key(throttle.RESET_IP, tenant.id, ip)]
    live = throttle.counters(keys, per_login.memory)
    if any(throttle.waiting_until(live.get(k)) is not None for k in keys):
        return
    throttle.register(keys[0], per_login)
    throttle.register(keys[1], per_ip)
    secret = new_secret()
    session.add(PasswordResetRequest(login=login, token_hash=token_hash(secret), link=link_for(secret), ip=ip[:45]))


def send_reset_mail(tenant: Tenant, request_row: PasswordResetRequest) -> bool:
    """Act on one reset request (in the job): if the login exists with an e-mail, store its token and
    queue the mail with the link. Older links of the user stop working. Returns True if mail was queued.

    With the tenant option ``password_reset = "new_password"`` the link leads to a confirmation that
    mails a new password (:func:`send_new_password`); the password itself changes only then.
    """
    user = find_user(tenant, request_row.login)
    if user is None or not user.email or user.status != USER_ACTIVE:
        return False
    ttl = timedelta(minutes=current_app.config["PASSWORD_RESET_TTL_MINUTES"])
    revoke_tokens(user, PASSWORD_RESET)  # only the newest link works
    store_token(user, PASSWORD_RESET, ttl, request_row.token_hash)
    new_password = tenant.password_reset == "new_password"
    queue_mail(
        user.email,
        _l("New password") if new_password else _l("Password reset"),
        "new_password_request" if new_password else "password_reset",
        kind="password_reset",
        locale=user.locale or tenant.locale,
        tenant=tenant,
        user=user,
        link=request_row.link,
        ttl_minutes=int(ttl.total_seconds() // 60),
    )
    audit("user.password_reset_requested", "user", user.id, None, {"ip": request_row.ip}, actor="anonymous")
    return True


def send_new_password(tenant: Tenant, secret: str) -> User:
    """Follow a mailed "new password" link (single use): set a random password, mail it, end every session."""
    token = use_token(secret, PASSWORD_RESET)
    if token is None:
        raise IdentityError("token", str(_l("This link has expired or was already used. Request a new one.")))
    user = session.get(User, token.user_id)
    assert user is not None and user.email
    password = generate_password()
    _store_password(user, password)
    revoke_all(user)
    queue_mail(
        user.email,
        _l("Your new password"),
        "new_password",
        kind="password_reset",
        locale=user.locale or tenant.locale,
        tenant=tenant,
        user=user,
        password=password,
    )
    audit("user.password_reset", "user", user.id)
    return user


def reset_password_with_token(secret: str, new_password: str) -> User:
    """Set a new password from a mailed link (single use); ends every session of the user."""
    token = use_token(secret, PASSWORD_RESET)
    if token is None:
        raise IdentityError("token", str(_l("This link has expired or was already used. Request a new one.")))
    user = session.get(User, token.user_id)
    assert user is not None
    _set_new_password(user, new_password)
    revoke_all(user)
    audit("user.password_reset", "user", user.id)
    return user


def update_profile(user: User, *, full_name: str, phone: str) -> None:
    """Change the name and phone of ``user`` (audited)."""
    before = {"full_name": user.full_name, "phone": user.phone}
    user.full_name = full_name.strip()
    user.phone = phone.strip()
    audit("user.profile", "user", user.id, before, {"full_name": user.full_name, "phone": user.phone})


def request_email_change(tenant: Tenant, user: User, password: str, new_email: str, link_for) -> None:
    """Mail a confirmation link to ``new_email`` after re-checking the password; the change waits for it."""
    if not verify_password(user.password_hash, password):
        raise IdentityError("password", str(_l("The password is wrong.")))
    email = normalize_email(new_email)
    if not is_valid_email(email):
        raise IdentityError("email", str(_l("Enter a valid e-mail address.")))
    ttl = timedelta(hours=24)
    secret = issue_token(user, EMAIL_CHANGE, ttl, {"email": email})
    queue_mail(
        email,
        _l("Confirm your e-mail address"),
        "confirm_email",
        kind="email_change",
        locale=user.locale or tenant.locale,
        tenant=tenant,
        user=user,
        link=link_for(secret),
    )
    audit("user.email_change_requested", "user", user.id, None, {"email": email})


def confirm_email_change(tenant: Tenant, secret: str) -> User:
    """Apply a pending e-mail change from its link (single use). Where the login is the e-mail, it follows."""
    token = use_token(secret, EMAIL_CHANGE)
    if token is None:
        raise IdentityError("token", str(_l("This link has expired or was already used.")))
    user = session.get(User, token.user_id)
    assert user is not None
    before = user.email
    email = token.payload["email"]
    if tenant.login_identifier == LOGIN_EMAIL:
        taken = session.scalar(select(User.id).where(User.login == email, User.id != user.id))
        if taken is not None:
            raise IdentityError("email", str(_l("This e-mail is already used by another account.")))
        user.login = email
    user.email = email
    user.email_confirmed = True
    audit("user.email_change", "user", user.id, {"email": before}, {"email": email})
    return user
