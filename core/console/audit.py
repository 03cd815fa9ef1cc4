"""The tenant's audit log and outgoing mail, read-only."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import select

from core.access.guard import require
from core.audit.models import AuditEvent
from core.audit.wording import actor_name, change_lines, describe
from core.console.blueprint import blueprint
from core.db import session
from core.db.queries import get_or_404
from core.mail.models import OutboxMessage

PAGE_SIZE = 100


@blueprint.get("/audit")
@require("audit.view")
def audit():
    action = request.args.get("action", "").strip()
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(PAGE_SIZE)
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action))
    return render_template(
        "admin/audit.html",
        events=list(session.scalars(stmt)),
        action=action,
        describe=describe,
        actor_name=actor_name,
        change_lines=change_lines,
    )


@blueprint.get("/outbox")
@require("outbox.view")
def outbox():
    messages = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(PAGE_SIZE)))
    return render_template("admin/outbox.html", messages=messages)


@blueprint.get("/outbox/<int:message_id>")
@require("outbox.view")
def outbox_message(message_id: int):
    return render_template("admin/outbox_message.html", message=get_or_404(OutboxMessage, message_id))
