"""Core's own counters for the staff start page, contributed through ``staff_counters`` like a plugin's."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.db import session
from core.db.base import utcnow
from core.payments.models import SUSPENSE, Payment
from core.plugins.markers import hookimpl
from core.plugins.types import Counter
from core.support.models import NEW, Ticket
from core.support.service import overdue_clause
from core.visits.models import SCHEDULED, VisitRequest
from core.visits.slots import local_today


def _count(stmt) -> int:
    return session.scalar(stmt) or 0


@hookimpl(trylast=True)
def staff_counters(tenant, user) -> list[Counter]:
    overdue = _count(select(func.count(Ticket.id)).where(overdue_clause(utcnow())))
    new = _count(select(func.count(Ticket.id)).where(Ticket.status == NEW))
    today = local_today(tenant)
    visits = _count(
        select(func.count(VisitRequest.id)).where(VisitRequest.slot_date == today, VisitRequest.status == SCHEDULED)
    )
    mine = _count(
        select(func.count(VisitRequest.id)).where(
            VisitRequest.slot_date == today, VisitRequest.status == SCHEDULED, VisitRequest.technician_id == user.id
        )
    )
    suspense = _count(select(func.count(Payment.id)).where(Payment.status == SUSPENSE))
    return [
        Counter(
            _l("Overdue tickets"),
            overdue,
            "support_admin.queue",
            {"overdue": "1"},
            permission="support.queue",
            order=10,
            alert=overdue > 0,
        ),
        Counter(_l("New tickets"), new, "support_admin.queue", {"status": NEW}, permission="support.queue", order=11),
        Counter(
            _l("Visits today"),
            visits,
            "admin.visits",
            {"date": today.isoformat(), "status": SCHEDULED},
            permission="visits.manage",
            order=20,
        ),
        Counter(_l("My visits today"), mine, "admin.my_visits", permission="visits.mine", order=21),
        Counter(
            _l("Unidentified payments"),
            suspense,
            "admin.suspense",
            permission="payments.suspense",
            order=40,
            alert=suspense > 0,
        ),
    ]
