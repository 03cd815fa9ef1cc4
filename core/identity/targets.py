"""The one place that loads the user an admin page or API endpoint acts on, for the caller.

Every route acting on one user (status, password, roles, linking …) loads that user with
:func:`target_user` (by id) or :func:`target_user_by_login`: another tenant's or an unknown user is
not found (404), a user the caller may not act on (:func:`core.access.service.may_act_on`) is
refused (403). ``tests/access/test_acting_on_users.py`` walks every route with a user id.
"""

from __future__ import annotations

from flask import abort, g

from core.access.guard import current_principal
from core.access.service import may_act_on
from core.db.queries import get_or_404
from core.identity.models import User
from core.identity.service import find_user


def _checked(user: User) -> User:
    if not may_act_on(current_principal(), user):
        abort(403)
    return user


def target_user(user_id: int) -> User:
    """The current tenant's user ``user_id`` if the caller may act on them; 404 or 403 otherwise."""
    return _checked(get_or_404(User, user_id))


def target_user_by_login(raw_login: str) -> User | None:
    """The current tenant's user with this login (``None`` if none) if the caller may act on them; else 403."""
    user = find_user(g.tenant, raw_login)
    return None if user is None else _checked(user)
