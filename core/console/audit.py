"""The tenant's audit log and outgoing mail, read-only."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import Select, select
from sqlalchemy.orm import InstrumentedAttribute

from core.access.guard import require
from core.audit.models import AuditEvent
from core.audit.wording import actor_name, change_lines, describe
from core.console.blueprint import blueprint
from core.db.keyset import KeysetPage, keyset_page
from core.db.queries import get_or_404
from core.mail.models import OutboxMessage
from core.web.pagination import requested_page

PAGE_SIZE = 100


@blueprint.get("/audit")
@require("audit.view")
def audit():
    action = request.args.get("action", "").strip()
    stmt = select(AuditEvent)
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action))
    page = _newest_first(stmt, AuditEvent.id)
    return render_template(
        "admin/audit.html",
        events=page.rows,
        page=page,
        action=action,
        describe=describe,
        actor_name=actor_name,
        change_lines=change_lines,
    )


@blueprint.get("/outbox")
@require("outbox.view")
def outbox():
    page = _newest_first(select(OutboxMessage), OutboxMessage.id)
    return render_template("admin/outbox.html", messages=page.rows, page=page)


def _newest_first(stmt: Select, id_column: InstrumentedAttribute) -> KeysetPage:
    """The requested keyset page of ``stmt``'s rows, newest (highest id) first, with how many there are."""
    wanted = requested_page()
    page = keyset_page(stmt, (id_column.desc(),), size=PAGE_SIZE, after=wanted.after, before=wanted.before)
    return page.map(lambda row: row[0])


@blueprint.get("/outbox/<int:message_id>")
@require("outbox.view")
def outbox_message(message_id: int):
    return render_template("admin/outbox_message.html", message=get_or_404(OutboxMessage, message_id))
