"""The one place that decides whether the caller may see a view or an API endpoint.

``@require("perm")`` protects web views and API endpoints alike: logged out → the login page (401 in
the API), logged in without the permission → 403. ``@public`` marks a view anyone may open. A test
walks every route and fails on one that is neither.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from flask import abort, current_app, g, request
from flask_login import current_user

from core.access.service import has_permission

if TYPE_CHECKING:
    from core.identity.models import User

F = TypeVar("F", bound=Callable[..., Any])


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def current_principal() -> User | None:
    """The user making this request: the bearer token's owner in the API, the session's user on the web."""
    store = g._get_current_object()  # asked dozens of times a page: one lookup of the context, not two
    try:
        return store.principal
    except AttributeError:
        pass
    principal = None
    if is_api_request():
        principal = current_app.plugins.hook.principal_for_token(token=bearer_token())
    elif current_user.is_authenticated:
        principal = current_user._get_current_object()
    store.principal = principal
    return principal


def require(permission: str | None = None) -> Callable[[F], F]:
    """Let the view run only for a logged-in user holding ``permission`` (any logged-in user if ``None``)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            user = current_principal()
            if user is None:
                abort(401)
            if permission is not None and not has_permission(user, permission):
                abort(403)
            return view(*args, **kwargs)

        guarded.required_permission = permission  # type: ignore[attr-defined]
        guarded.requires_login = True  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def public(view: F) -> F:
    """Mark a view as open to anyone (login page, public news feed …)."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def can(permission: str) -> bool:
    """For templates: does the current user hold ``permission``?"""
    return has_permission(current_principal(), permission)
