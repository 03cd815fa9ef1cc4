"""The staff start page at ``/admin/``: counters that link to the filtered lists they count."""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template

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
@require()
def start():
    user = current_principal()
    counters = visible_counters(g.tenant, user)
    if not counters:  # a subscriber, or staff with none of the counted lists: nothing here for them
        abort(403)
    return render_template("console/start.html", counters=counters)
