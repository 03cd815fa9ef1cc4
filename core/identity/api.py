"""Core API endpoints: log in and out with a token, the current user, the tenant's public info."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, g, request
from flask_smorest import Blueprint

from core.access.guard import current_principal, public, require
from core.access.service import user_permissions, user_roles
from core.db import session
from core.db.session import reads_before_writing
from core.identity import service, throttle
from core.identity.api_schemas import LoginRequestSchema, MeSchema, TenantInfoSchema, TokenSchema
from core.identity.sessions import API, open_session, revoke
from core.plugins.state import enabled_plugins
from core.tenants.urls import external_url

auth = Blueprint("api_auth", __name__, url_prefix="/api/v1/auth", description="Logging in for the mobile app")
me_blp = Blueprint("api_me", __name__, url_prefix="/api/v1/me", description="The logged-in user")
tenant_blp = Blueprint("api_tenant", __name__, url_prefix="/api/v1/tenant", description="The provider's public info")


@auth.post("/login")
@public
@reads_before_writing  # the throttle and the user are read, the password checked, and only then written
@auth.arguments(LoginRequestSchema)
@auth.response(200, TokenSchema)
@auth.alt_response(401, description="wrong login or password, account locked or blocked")
def login(payload):
    """Exchange a login and password for a bearer token (throttled like the web login)."""
    result = service.authenticate(g.tenant, payload["login"], payload["password"], request.remote_addr or "")
    if result.user is None:
        session.commit()
        if result.error == "locked" and result.locked_until is not None:
            message = f"too many failed attempts; try again in {throttle.minutes_left(result.locked_until)} min"
        elif result.error == "blocked":
            message = "the account is blocked"
        else:
            message = "wrong login or password"
        abort(401, description=message)
    ttl = timedelta(days=current_app.config["API_TOKEN_TTL_DAYS"])
    token, row = open_session(result.user, API, ttl)
    session.commit()
    return {"token": token, "expires_at": row.expires_at}


@auth.post("/logout")
@require()
@auth.response(204)
@auth.doc(security=[{"bearer": []}])
def logout():
    """Revoke the token used for this request."""
    revoke(g.auth_session)
    session.commit()


@me_blp.get("")
@require()
@me_blp.response(200, MeSchema)
@me_blp.doc(security=[{"bearer": []}])
def me():
    """The user the token belongs to, with roles and permissions."""
    user = current_principal()
    return {
        "id": user.id,
        "login": user.login,
        "full_name": user.full_name,
        "email": user.email,
        "phone": user.phone,
        "status": user.status,
        "roles": sorted({a.role.code for a in user_roles(user)}),
        "permissions": sorted(user_permissions(user)),
    }


@tenant_blp.get("")
@public
@tenant_blp.response(200, TenantInfoSchema)
def tenant_info():
    """Branding, contacts and enabled plugins of the provider whose site this is."""
    tenant = g.tenant
    branding = dict(tenant.branding or {})
    branding["logo_url"] = external_url(tenant, "web.logo") if tenant.logo else None
    return {
        "slug": tenant.slug,
        "name": tenant.name,
        "locale": tenant.locale,
        "timezone": tenant.timezone,
        "login_identifier": tenant.login_identifier,
        "branding": branding,
        "contacts": tenant.contacts or {},
        "plugins": sorted(enabled_plugins(tenant)),
    }
