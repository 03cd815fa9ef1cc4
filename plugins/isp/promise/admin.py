"""Operator page ``isp.admin_promises``: active and overdue promised payments, with links to contracts.

Overdue means the promise ended (or is past its time) while the balance is still below zero: the
credit was taken back and nothing paid it yet. It stops being overdue once a payment brings the
balance back to ≥ 0 (:func:`plugins.isp.promise.service.settle_on_payments` marks it repaid).
"""

from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from core.api import keyset_page, requested_page, require, utcnow
from plugins.isp.common.blueprints import web
from plugins.isp.common.links import optional_url
from plugins.isp.models import ACTIVE, EXPIRED, Promise

PAGE_SIZE = 100
FILTERS = {
    "open": _l("Active and overdue"),
    "active": _l("Active"),
    "overdue": lazy_pgettext("promises", "Overdue"),
    "all": _l("All"),
}


def _condition(show: str, now):
    active = and_(Promise.status == ACTIVE, Promise.due_at > now)
    overdue = or_(
        and_(Promise.status == ACTIVE, Promise.due_at <= now),
        and_(Promise.status == EXPIRED, Promise.repaid.is_(False)),
    )
    return {"open": or_(active, overdue), "active": active, "overdue": overdue}.get(show)


def is_overdue(promise: Promise, now) -> bool:
    """Past its time, or ended with the balance still below zero."""
    if promise.status == ACTIVE:
        return promise.due_at <= now
    return promise.status == EXPIRED and promise.repaid is False


@web.get("/admin/promises")
@require("isp.promises.manage")
def admin_promises():
    """Promised payments: active and overdue by default; ``?show=active|overdue|all``."""
    show = request.args.get("show", "open")
    if show not in FILTERS:
        show = "open"
    now = utcnow()
    stmt = select(Promise).options(joinedload(Promise.contract))
    condition = _condition(show, now)
    if condition is not None:
        stmt = stmt.where(condition)
    wanted = requested_page()
    page = keyset_page(
        stmt, (Promise.due_at.desc(), Promise.id.desc()), size=PAGE_SIZE, after=wanted.after, before=wanted.before
    ).map(lambda row: row[0])
    return render_template(
        "isp/promise/admin/promises.html",
        rows=page.rows,
        page=page,
        show=show,
        filters=FILTERS,
        now=now,
        is_overdue=is_overdue,
        contract_url=lambda contract_id: optional_url("isp.admin_contract", contract_id=contract_id),
    )
