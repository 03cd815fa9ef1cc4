"""Operator pages of support: the queue, a ticket with internal notes, assign, reply, status, merge; deadlines."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import RequestEntityTooLarge

from core.access.guard import current_principal, require
from core.accounts.models import PersonalAccount
from core.console.ticket_panel import panel as subscriber_panel
from core.db import session, utcnow
from core.db.queries import get_or_404
from core.settings.service import SettingsError, save_settings
from core.support import service
from core.support.access import QUEUE_PERMISSION, find_ticket
from core.support.categories import all_categories, categories_for, category_title
from core.support.labels import overdue_label, staff_ticket_status
from core.support.models import STATUSES, Ticket
from core.support.settings import MAX_HOURS
from core.support.settings import NAMESPACE as DEADLINES
from core.support.views import page_context, uploaded_files
from core.web.bounds import parse_id
from core.web.input import Text, read_form
from core.web.pagination import requested_page

blueprint = Blueprint("support_admin", __name__, url_prefix="/admin/support")

PAGE_SIZES = (25, 50, 100, 500, 1000)
DEFAULT_PAGE_SIZE = 50
SETTINGS_PERMISSION = "tenant.settings"


class StaffReplyForm(Schema):
    kind = fields.String(load_default="reply", validate=validate.OneOf(["reply", "note"]))
    body = Text(100_000)
    status = Text(40)


class StatusForm(Schema):
    status = Text(40)


class AssignForm(Schema):
    """The assign form: a member of staff from the list, or ``take`` (the "Take it myself" button) for the operator."""

    assignee_id = Text(20)
    take = Text(2)


class MergeForm(Schema):
    target = Text(20)


class DeadlineForm(Schema):
    response_hours = Text(20)
    resolution_hours = Text(20)


def staff_context() -> dict:
    return {
        **page_context(),
        "ticket_status": staff_ticket_status,
        "overdue_label": overdue_label,
        "category_title": category_title,
    }


@blueprint.errorhandler(RequestEntityTooLarge)
def too_large(_error):
    flash(_("The files are too large together. Attach fewer or smaller files."), "error")
    ticket_id = (request.view_args or {}).get("ticket_id")
    return redirect(url_for("support_admin.ticket", ticket_id=ticket_id) if ticket_id else url_for(".queue"))


@blueprint.get("/")
@require(QUEUE_PERMISSION)
def queue():
    args = request.args
    filters = service.QueueFilters(
        status=args.get("status", "open"),
        category=args.get("category", ""),
        assignee=args.get("assignee", ""),
        overdue=args.get("overdue") == "1",
    )
    per_page = args.get("per_page", DEFAULT_PAGE_SIZE, type=int)
    if per_page not in PAGE_SIZES:
        per_page = DEFAULT_PAGE_SIZE
    wanted = requested_page()
    result = service.queue(filters, current_principal(), after=wanted.after, before=wanted.before, per_page=per_page)
    return render_template(
        "admin/support_queue.html",
        result=result,
        filters=filters,
        per_page=per_page,
        page_sizes=PAGE_SIZES,
        statuses=STATUSES,
        categories=all_categories(),
        staff_members=service.queue_staff(),
        **staff_context(),
    )


def _ticket_or_404(ticket_id: int) -> Ticket:
    return get_or_404(Ticket, ticket_id)


def _detail(ticket: Ticket, errors: dict | None = None, values: dict | None = None, status: int = 200):
    messages = service.thread(ticket, include_internal=True)
    changes = service.history(ticket)
    people = service.users_by_id(
        [m.author_id for m in messages] + [c.actor_id for c in changes] + [ticket.author_id, ticket.assignee_id]
    )
    merged = [i for i in service.merged_ids(ticket) if i != ticket.id]
    account = session.get(PersonalAccount, ticket.personal_account_id) if ticket.personal_account_id else None
    return render_template(
        "admin/support_ticket.html",
        ticket=ticket,
        messages=messages,
        files=service.attachments_of(messages),
        people=people,
        author=people.get(ticket.author_id),
        account=account,
        panel=subscriber_panel(g.tenant, ticket),
        changes=changes,
        merged=merged,
        staff_members=service.queue_staff(),
        transitions=service.TRANSITIONS[ticket.status],
        overdue=service.overdue_kind(ticket, utcnow()),
        errors=errors or {},
        values=values or {},
        staff=True,
        **staff_context(),
    ), status


@blueprint.get("/<int:ticket_id>")
@require(QUEUE_PERMISSION)
def ticket(ticket_id: int):
    return _detail(_ticket_or_404(ticket_id))


@blueprint.post("/<int:ticket_id>/reply")
@require(QUEUE_PERMISSION)
def reply(ticket_id: int):
    ticket = _ticket_or_404(ticket_id)
    operator = current_principal()
    form = read_form(StaffReplyForm())
    if not form.ok:
        return _detail(ticket, {k: form.error(k) for k in form.errors}, form.values, 400)
    kind, body, status = form.data["kind"], form.data["body"], form.data["status"] or None
    try:
        if kind == "note":
            service.add_note(ticket, operator, body, uploaded_files())
        else:
            service.staff_reply(ticket, operator, body, uploaded_files(), status=status)
    except service.TicketError as refused:
        session.rollback()
        return _detail(_ticket_or_404(ticket_id), refused.errors, {"body": body, "kind": kind}, 400)
    session.commit()
    flash(_("The note is saved.") if kind == "note" else _("The reply is sent to the subscriber."), "info")
    return redirect(url_for(".ticket", ticket_id=ticket.id))


@blueprint.post("/<int:ticket_id>/status")
@require(QUEUE_PERMISSION)
def status(ticket_id: int):
    ticket = _ticket_or_404(ticket_id)
    try:
        service.change_status(ticket, read_form(StatusForm()).data.get("status", ""), current_principal())
    except service.TicketError as refused:
        session.rollback()
        return _detail(_ticket_or_404(ticket_id), refused.errors, status=400)
    session.commit()
    flash(_("The status is now “%(status)s”.", status=staff_ticket_status(ticket.status)), "info")
    return redirect(url_for(".ticket", ticket_id=ticket.id))


@blueprint.post("/<int:ticket_id>/assign")
@require(QUEUE_PERMISSION)
def assign(ticket_id: int):
    ticket = _ticket_or_404(ticket_id)
    operator = current_principal()
    form = read_form(AssignForm()).data
    raw = form.get("assignee_id", "")
    if form.get("take") or raw == "me":
        assignee = operator
    elif raw:
        assignee = next((u for u in service.queue_staff() if u.id == parse_id(raw)), None)
        if assignee is None:
            return _detail(ticket, {"assignee": _("Choose a member of staff who works the support queue.")}, status=400)
    else:
        assignee = None
    try:
        service.assign(ticket, assignee, operator)
    except service.TicketError as refused:
        session.rollback()
        return _detail(_ticket_or_404(ticket_id), refused.errors, status=400)
    session.commit()
    flash(_("Assigned to %(name)s.", name=assignee.display_name) if assignee else _("Nobody is assigned."), "info")
    return redirect(url_for(".ticket", ticket_id=ticket.id))


@blueprint.post("/<int:ticket_id>/merge")
@require(QUEUE_PERMISSION)
def merge(ticket_id: int):
    duplicate = _ticket_or_404(ticket_id)
    raw = read_form(MergeForm()).values.get("target", "").lstrip("#")
    target_id = parse_id(raw)
    target = find_ticket(target_id) if target_id is not None else None
    if target is None:
        return _detail(duplicate, {"target": _("There is no request with this number.")}, {"target": raw}, 400)
    try:
        service.merge(duplicate, target, current_principal())
    except service.TicketError as refused:
        session.rollback()
        return _detail(_ticket_or_404(ticket_id), refused.errors, {"target": raw}, 400)
    session.commit()
    flash(_("Request #%(dup)s is merged into #%(id)s.", dup=duplicate.id, id=target.id), "info")
    return redirect(url_for(".ticket", ticket_id=target.id))


@blueprint.route("/deadlines", methods=["GET", "POST"])
@require(SETTINGS_PERMISSION)
def deadlines():
    categories = categories_for(g.tenant)
    stored = service.get_deadline_settings()
    values = {
        code: {
            "response_hours": str(stored.get(code, {}).get("response_hours", category.response_hours)),
            "resolution_hours": str(stored.get(code, {}).get("resolution_hours", category.resolution_hours)),
        }
        for code, category in categories.items()
    }
    errors: dict = {}
    if request.method == "POST":
        for code in categories:
            typed = read_form(DeadlineForm(), prefix=f"{code}.").values
            for name in ("response_hours", "resolution_hours"):
                values[code][name] = typed.get(name, "")
        raw = {"categories": {**stored, **values}}
        try:
            save_settings(DEADLINES, raw)
        except SettingsError as refused:
            session.rollback()
            errors = _deadline_errors(refused.messages)
        else:
            session.commit()
            flash(_("Deadlines saved. They apply to requests opened from now on."), "info")
            return redirect(url_for(".deadlines"))
    return render_template(
        "admin/support_deadlines.html",
        categories=categories,
        values=values,
        errors=errors,
        **staff_context(),
    ), (400 if errors else 200)


def _deadline_errors(messages) -> dict[str, dict[str, str]]:
    """Marshmallow's messages for ``support.deadlines`` as one translated sentence per input."""
    found: dict[str, dict[str, str]] = {}
    per_category = messages.get("categories", {}) if isinstance(messages, dict) else {}
    for code, problem in per_category.items() if isinstance(per_category, dict) else ():
        inputs = problem.get("value", {}) if isinstance(problem, dict) else {}
        for name, reasons in inputs.items():
            if name == "resolution_hours" and "shorter" in str(reasons):
                text = _("The time to solve must not be shorter than the time to reply.")
            else:
                text = _("Enter a whole number of hours from 1 to %(max)s.", max=MAX_HOURS)
            found.setdefault(code, {})[name] = text
    return found or {"": {"": _("Check the values.")}}
