"""Which personal account the subscriber is looking at (a user may hold several; they switch)."""

from __future__ import annotations

from flask import abort
from flask import session as cookie

from core.access.guard import current_principal
from core.accounts.models import PersonalAccount
from core.accounts.service import accounts_of, user_may_use
from core.db.memo import request_memo

SESSION_KEY = "account_id"


def my_accounts() -> list[PersonalAccount]:
    """The personal accounts the logged-in user may see (none when nobody is logged in)."""
    user = current_principal()
    return accounts_of(user) if user is not None else []


def current_account() -> PersonalAccount | None:
    """The chosen account if the user still has it, else the first one; ``None`` if none is linked.

    Looked up once per request (:func:`core.db.memo.request_memo`), however many widgets ask.
    """
    user = current_principal()
    if user is None:
        return None
    return request_memo(("current_account", user.id, cookie.get(SESSION_KEY)), lambda: _current_account(user))


def _current_account(user) -> PersonalAccount | None:
    chosen = cookie.get(SESSION_KEY)
    if chosen is not None:
        account = user_may_use(user, int(chosen))
        if account is not None:
            return account
    accounts = accounts_of(user)
    return accounts[0] if accounts else None


def choose_account(account_id: int) -> PersonalAccount:
    """Switch to ``account_id``; another user's or tenant's account answers 404."""
    account = user_may_use(current_principal(), account_id)
    if account is None:
        abort(404)
    cookie[SESSION_KEY] = account.id
    return account


def account_or_404(account_id: int) -> PersonalAccount:
    """An account of the current user by id (API), or 404."""
    account = user_may_use(current_principal(), account_id)
    if account is None:
        abort(404)
    return account
