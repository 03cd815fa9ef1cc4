"""Core's visits feature, registered like a plugin: the ``visits`` settings namespace."""

from __future__ import annotations

from core.plugins.markers import hookimpl
from core.settings.types import SettingsNamespace
from core.visits.settings import SETTINGS


@hookimpl(trylast=True)
def register_settings() -> list[SettingsNamespace]:
    return [SETTINGS]


@hookimpl(trylast=True)
def dashboard_widgets(tenant, user):
    """The subscriber's scheduled technician visits from today on, on the dashboard."""
    from flask import render_template
    from flask_babel import lazy_gettext as _l
    from sqlalchemy import select

    from core.db import session
    from core.plugins.types import Widget
    from core.visits.models import SCHEDULED, VisitRequest

    if user is None:
        return []
    visits = list(
        session.scalars(
            select(VisitRequest)
            .where(
                VisitRequest.author_id == user.id,
                VisitRequest.status == SCHEDULED,
                VisitRequest.slot_date >= tenant.today(),
            )
            .order_by(VisitRequest.slot_date, VisitRequest.slot_window)
        )
    )
    if not visits:
        return []
    return [Widget(str(_l("Technician visits")), render_template("visits/_widget.html", visits=visits), order=20)]
