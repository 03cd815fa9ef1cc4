"""The staff start page at ``/admin/``: counters that link to the filtered lists they count."""

from __future__ import annotations

from flask import Blueprint, g, render_template

from core.access.guard import current_principal, require
from core.access.service import has_permission
from core.plugins.manager import flatten
from core.plugins.state import tenant_hooks
from core.plugins.types import Counter

blueprint = Blueprint("console", __name__, url_prefix="/admin")


def visible_counters(tenant, user) -> list[Counter]:
    """The counters core and the tenant's plugins contribute, without those the user may not open."""
    counters = flatten(tenant_hooks(tenant).staff_counters(tenant=tenant, user=user))
    shown = [c for c in counters if c.permission is None or has_permission(user, c.permission)]
    return sorted(shown, key=lambda c: (c.order, str(c.title)))


@blueprint.get("/")
@require("console.view")
def start():
    return render_template("console/start.html", counters=visible_counters(g.tenant, current_principal()))
