"""Starting a logged-in web session: the one way for core's password form and for any plugin's own authenticator.

A plugin that proves who a visitor is by its own means (a signed challenge, a client certificate …) calls
``core.api.log_in(user)`` once it has; it throttles its own failures with ``core.api.throttle``.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_login import login_user

from core.db import utcnow
from core.identity.models import USER_ACTIVE, User
from core.identity.service import IdentityError
from core.identity.sessions import WEB, open_session


def log_in(user: User) -> None:
    """Open a server-side web session for ``user`` and log them in for this browser (the caller commits).

    Raises :class:`IdentityError` (field ``"login"``) for a blocked or deleted user: nobody logs in as them.
    """
    if user.status != USER_ACTIVE:
        raise IdentityError("login", _("Your account is blocked. Please contact the provider."))
    ttl = timedelta(hours=current_app.config["SESSION_TTL_HOURS"])
    user.last_login_at = utcnow()
    token, _row = open_session(user, WEB, ttl)
    user.session_token = token
    login_user(user)
