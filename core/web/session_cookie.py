"""The session cookie belongs to one tenant.

A tenant reached by path (``/t/<slug>/`` on a platform host) gets its own cookie, named and scoped
to its prefix, so two tenants open in one browser do not replace each other's login. Whatever the
cookie, the session remembers the tenant it was made for, and a request for another tenant starts
from an empty session (no login, no chosen account, no messages).
"""

from __future__ import annotations

from flask import Flask, g, has_request_context, request
from flask import session as cookie
from flask.sessions import SecureCookieSessionInterface

from core.tenants.resolution import ENVIRON_SLUG

TENANT_KEY = "_tenant"


def _path_slug() -> str | None:
    return request.environ.get(ENVIRON_SLUG) if has_request_context() else None


class TenantSessionInterface(SecureCookieSessionInterface):
    """Signed cookie sessions with one cookie per path-routed tenant, stamped with the tenant's id."""

    def get_cookie_name(self, app: Flask) -> str:
        slug = _path_slug()
        name = super().get_cookie_name(app)
        return f"{name}_{slug}" if slug else name

    def get_cookie_path(self, app: Flask) -> str:
        return request.script_root if _path_slug() else super().get_cookie_path(app)

    def save_session(self, app: Flask, session, response) -> None:
        tenant = g.get("tenant")
        if tenant is not None and session and session.get(TENANT_KEY) != tenant.id:
            session[TENANT_KEY] = tenant.id
        super().save_session(app, session, response)


def bind_session_to_tenant(tenant_id: int) -> None:
    """Forget a session made for another tenant (called once the request's tenant is known)."""
    owner = cookie.get(TENANT_KEY)
    if owner is not None and owner != tenant_id:
        cookie.clear()
