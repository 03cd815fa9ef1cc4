"""Platform pages. Reachable only on the platform tenant, with ``platform.tenants``."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from marshmallow import Schema
from sqlalchemy import select

from core.access.guard import require
from core.audit.service import record as audit
from core.console.forms import EmptyForm
from core.db import session
from core.tenants.models import PLATFORM_SLUG, TENANT_ACTIVE, TENANT_SUSPENDED, Tenant
from core.web.input import Text, read_form
from core.web.labels import status_label


class StatusForm(Schema):
    status = Text(20)


blueprint = Blueprint("platform", __name__, url_prefix="/platform")


@blueprint.before_request
def only_on_platform_site():
    if not g.tenant.is_platform:
        abort(404)


@blueprint.get("/tenants")
@require("platform.tenants")
def tenants():
    rows = list(session.scalars(select(Tenant).where(Tenant.slug != PLATFORM_SLUG).order_by(Tenant.slug)))
    return render_template("platform/tenants.html", tenants=rows, form=EmptyForm())


@blueprint.post("/tenants/<int:tenant_id>/status")
@require("platform.tenants")
def tenant_status(tenant_id: int):
    tenant = session.get(Tenant, tenant_id)
    if tenant is None or tenant.is_platform:
        abort(404)
    status = read_form(StatusForm()).data.get("status")
    if EmptyForm().validate_on_submit() and status in (TENANT_ACTIVE, TENANT_SUSPENDED):
        before = tenant.status
        tenant.status = status
        audit("tenant.status", "tenant", tenant.slug, {"status": before}, {"status": status})
        session.commit()
        flash(_("Tenant %(slug)s is now %(status)s.", slug=tenant.slug, status=status_label(status)), "info")
    return redirect(url_for("platform.tenants"))
