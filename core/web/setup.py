"""The request pipeline of the web shell: tenant → plugin guard → user; layout context; errors; headers."""

from __future__ import annotations

from flask import Flask, Response, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.exceptions import Conflict, HTTPException

from core.access.guard import can, current_principal, is_api_request
from core.db import session
from core.db.session import mark_read_only, reset_read_only, view_reads_before_writing, view_writes_on_get
from core.db.tenancy import enter_tenant, leave_tenant
from core.extensions import login_manager
from core.plugins.manager import PluginError, flatten
from core.plugins.state import enabled_plugins, tenant_hooks
from core.tenants.resolution import UnknownHost, find_tenant_for_request, request_host
from core.tenants.urls import external_url
from core.web.input import join_messages
from core.web.labels import status_label
from core.web.pagination import page_url
from core.web.refusals import Refused, refused_response
from core.web.session_cookie import bind_session_to_tenant
from core.web.validation_messages import translate_errors

#: Endpoints answered on any host without a tenant: the probes and metrics (core.observability), static files.
TENANTLESS_ENDPOINTS = {"ops.healthz", "ops.readyz", "ops.metrics", "static"}
READ_ONLY_METHODS = {"GET", "HEAD", "OPTIONS"}


class TenantNotFound(HTTPException):
    code = 404
    description = "unknown tenant"


class HostNotServed(HTTPException):
    """A request for a host name no tenant and no platform setting names (a forged ``Host``)."""

    code = 400
    description = "unknown host"


class TenantSuspended(HTTPException):
    code = 503
    description = "tenant suspended"


def resolve_tenant() -> None:
    """Find the request's tenant and scope the database to it.

    400 for a host that is not served here, 404 for an unknown tenant, 503 for a suspended one.
    """
    # Tokens go on the request (not on g): a request made from inside another one shares its app
    # context, and each must restore exactly what it changed.
    view = current_app.view_functions.get(request.endpoint or "")
    reads = request.method in READ_ONLY_METHODS and not view_writes_on_get(view)
    read_only = reads or view_reads_before_writing(view)
    request.environ["abonent.read_only_token"] = mark_read_only(read_only)
    if request.endpoint in TENANTLESS_ENDPOINTS:
        return
    try:
        tenant = find_tenant_for_request(session)
    except UnknownHost:
        raise HostNotServed() from None
    if tenant is None:
        raise TenantNotFound()
    g.tenant = tenant
    bind_session_to_tenant(tenant.id)
    request.environ["abonent.tenant_tokens"] = enter_tenant(tenant.id)
    if not tenant.is_active:
        raise TenantSuspended()
    owner = current_app.extensions["abonent.blueprint_owner"].get((request.blueprint or "").split(".")[0])
    if owner is not None and owner not in enabled_plugins(tenant):
        abort(404)


def release_tenant(_exc: BaseException | None = None) -> None:
    tokens = request.environ.pop("abonent.tenant_tokens", None)
    if tokens is not None:
        leave_tenant(tokens)
    read_only = request.environ.pop("abonent.read_only_token", None)
    if read_only is not None:
        reset_read_only(read_only)


def menu(area: str) -> list:
    """The menu entries of ``area`` the viewer may open, in order (the plugins are asked once per request)."""
    tenant = g.get("tenant")
    if tenant is None:
        return []
    areas = g.get("menu_areas")
    if areas is None:
        user = current_principal()
        areas = {}
        for item in flatten(tenant_hooks(tenant).menu_items(tenant=tenant, user=user)):
            if item.permission is None or can(item.permission):
                areas.setdefault(item.area, []).append((item.order, str(item.title), item))
        areas = g.menu_areas = {
            name: [entry[2] for entry in sorted(entries, key=lambda e: e[:2])] for name, entries in areas.items()
        }
    return list(areas.get(area, ()))


def layout_context() -> dict:
    return {
        "tenant": g.get("tenant"),
        "principal": current_principal() if g.get("tenant") is not None else None,
        "menu": menu,
        "can": can,
        "languages": current_app.config["LANGUAGES"],
        "get_locale": get_locale,
        "status_label": status_label,
    }


def security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
    )
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config["SESSION_COOKIE_SECURE"]:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if g.get("principal") is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


def handle_http_error(error: HTTPException):
    if isinstance(error, HostNotServed):  # no tenant, no branding: a plain answer
        message = _("This address is not served here: the host name %(host)s is unknown.", host=request_host()[:100])
        return Response(message, 400, mimetype="text/plain")
    if is_api_request():
        from core.rest.errors import json_error

        return json_error(error)
    if error.code == 401:
        return redirect(url_for("identity.login", next=request.full_path.rstrip("?")))
    if isinstance(error, TenantNotFound):
        return render_template("errors/unknown_tenant.html"), 404
    if isinstance(error, TenantSuspended):
        return render_template("errors/suspended.html"), 503
    from core.rest.errors import protocol_headers

    template = {403: "errors/403.html", 404: "errors/404.html"}.get(error.code or 500, "errors/generic.html")
    return render_template(template, error=error), error.code, protocol_headers(error)


def handle_refused(refused: Refused):
    """A :class:`Refused` a view lets through: nothing of the request is kept; the API answers 409
    (:class:`~core.web.refusals.RefusedSchema`), a page says why. An API view need not catch it::

        @api.post(...)
        @api.alt_response(409, schema=RefusedSchema)
        def register(batch):
            service.register(batch)  # raises Refused: 409 with the reasons
            session.commit()
            return dump(batch)
    """
    session.rollback()
    if is_api_request():
        return refused_response(refused)
    return render_template("errors/generic.html", error=Conflict(" ".join(refused.messages))), 409


def handle_unexpected(error: Exception):
    current_app.logger.exception("unhandled error", exc_info=error)
    session.rollback()
    if is_api_request():
        from core.rest.errors import json_message

        return json_message(500, "internal error"), 500
    return render_template("errors/generic.html", error=None), 500


def zone_city(zone: str) -> str:
    """A time-zone id as people say it, in the viewer's language: ``Asia/Yekaterinburg`` → "Екатеринбург"."""
    from babel.dates import get_timezone_location
    from flask_babel import get_locale

    try:
        return get_timezone_location(zone, locale=str(get_locale() or "ru"), return_city=True)
    except LookupError:
        return zone


def init_web(app: Flask) -> None:
    """Wire the shell into ``app``: the request pipeline, error pages, template names, the shell's own pages.

    Features add their pages through ``register_blueprints`` and their template names through
    ``template_globals``/``template_filters``, like any plugin.
    """
    from core.files.views import blueprint as files_blueprint
    from core.tenants.contact_views import blueprint as contacts_blueprint
    from core.web.shell import blueprint as shell_blueprint

    login_manager.login_view = "identity.login"
    login_manager.session_protection = "basic"
    app.teardown_request(release_tenant)
    app.context_processor(layout_context)
    app.after_request(security_headers)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Refused, handle_refused)
    if not app.testing and not app.debug:
        app.register_error_handler(Exception, handle_unexpected)
    add_template_names(app)
    app.register_blueprint(shell_blueprint)
    app.register_blueprint(contacts_blueprint)  # the site's contacts (per town): part of the shell, like the logo
    app.register_blueprint(files_blueprint)


def add_template_names(app: Flask) -> None:
    """The shell's template filters and globals, then the ones plugins give; a name given twice stops start-up."""
    host = app.plugins  # type: ignore[attr-defined]
    for hook, add, own in (
        (host.hook.template_filters, app.add_template_filter, {"error_text": error_text, "zone_city": zone_city}),
        (host.hook.template_globals, app.add_template_global, {"external_url": external_url, "page_url": page_url}),
    ):
        given = {name: "core.web" for name in own}
        for name, value in own.items():
            add(value, name)
        for plugin_name, names in host.results(hook):
            for name, value in (names or {}).items():
                if name in given:
                    raise PluginError(f"template name {name!r} is given by both {given[name]} and {plugin_name}")
                given[name] = plugin_name
                add(value, name)


def error_text(messages) -> str:
    """Template filter: a field's validation messages translated and joined into one line."""
    return join_messages(translate_errors(messages))
