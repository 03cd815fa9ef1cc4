"""Core pages of the shell: dashboard, language switch, tenant theme and logo, health check."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, g, redirect, render_template
from marshmallow import Schema

from core.access.guard import can, current_principal, public, require
from core.plugins.manager import flatten
from core.plugins.state import tenant_hooks
from core.tenants.logo import logo_type
from core.web.i18n import LANG_COOKIE
from core.web.input import Text, read_form
from core.web.urls import safe_next


class LanguageForm(Schema):
    lang = Text(10)
    next = Text(2000)


blueprint = Blueprint("web", __name__)


@blueprint.get("/")
@require()
def dashboard():
    tenant = g.tenant
    user = current_principal()
    found = flatten(tenant_hooks(tenant).dashboard_widgets(tenant=tenant, user=user))
    widgets = sorted((w for w in found if w.permission is None or can(w.permission)), key=lambda w: w.order)
    return render_template("dashboard.html", widgets=widgets)


@blueprint.post("/language")
@public
def set_language():
    form = read_form(LanguageForm())
    lang = form.data.get("lang", "")
    response = redirect(safe_next(form.data.get("next") or None))
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


@blueprint.get("/theme.css")
@public
def theme_css():
    branding = g.tenant.branding or {}
    css = render_template(
        "theme.css",
        primary=branding.get("primary_color", "#1f5fa8"),
        accent=branding.get("accent_color", "#f2a900"),
    )
    response = Response(css, mimetype="text/css")
    response.cache_control.max_age = 300
    return response


@blueprint.get("/logo")
@public
def logo():
    mime = logo_type(g.tenant.logo) if g.tenant.logo else None
    if mime is None:  # none, or stored before only raster images were allowed (an SVG is never served)
        abort(404)
    response = Response(g.tenant.logo, mimetype=mime)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.max_age = 3600
    return response
