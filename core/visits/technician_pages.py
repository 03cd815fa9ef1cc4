"""A technician's own visits for a day (``/admin/visits/mine``): where to go, when, and whom to call."""

from __future__ import annotations

from flask import g, render_template, request
from sqlalchemy import select

from core.access.guard import current_principal, require
from core.console.blueprint import blueprint
from core.db import session
from core.visits import service
from core.visits.models import CANCELLED, REQUESTED, VisitRequest
from core.visits.slots import local_today
from core.web.bounds import parse_day

OWN_VISITS_PERMISSION = "visits.mine"


def visits_of_technician(technician_id: int, day) -> list[VisitRequest]:
    """The visits ``technician_id`` is sent to on ``day``, in slot order (cancelled ones left out)."""
    stmt = (
        select(VisitRequest)
        .where(
            VisitRequest.technician_id == technician_id,
            VisitRequest.slot_date == day,
            VisitRequest.status.not_in((CANCELLED, REQUESTED)),
        )
        .order_by(VisitRequest.slot_window, VisitRequest.id)
    )
    return list(session.scalars(stmt))


@blueprint.get("/visits/mine")
@require(OWN_VISITS_PERMISSION)
def my_visits():
    day = parse_day(request.args.get("date")) or local_today(g.tenant)
    rows = visits_of_technician(current_principal().id, day)
    return render_template(
        "admin/my_visits.html", rows=rows, day=day, people=service.people(rows), reason_titles=service.reasons()
    )
