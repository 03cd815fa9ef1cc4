"""Subscriber pages of support: my requests, a new request with attachments, the thread, reply, close, rate."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import RequestEntityTooLarge

from core.access.guard import current_principal, require
from core.accounts.service import user_may_use
from core.db import session
from core.files.storage import MAX_BYTES
from core.money.current import my_accounts
from core.support import service
from core.support.access import USE_PERMISSION, authored_or_404, visible_or_404
from core.support.categories import categories_for, category_title
from core.support.labels import ticket_status
from core.support.models import CLOSED, DECLINED, RESOLVED, WAITING
from core.web.input import Id, Text, read_form
from core.web.pagination import requested_page

blueprint = Blueprint("support", __name__, url_prefix="/support")

PAGE_SIZE = 50


class NewTicketForm(Schema):
    category = Text(200)
    subject = Text(1000)
    body = Text(100_000)
    account_id = Id(load_default=None)


class ReplyForm(Schema):
    body = Text(100_000)


class RatingForm(Schema):
    rating = fields.Integer(load_default=0, validate=validate.Range(min=0, max=5))
    comment = Text(10_000)


def uploaded_files(field_name: str = "attachments") -> list[tuple[str, bytes]]:
    """The files of a multipart form as ``(filename, bytes)``; reading stops just past the size limit."""
    return [
        (upload.filename or "", upload.read(MAX_BYTES + 1))
        for upload in request.files.getlist(field_name)
        if upload and upload.filename
    ]


def page_context() -> dict:
    return {
        "category_title": category_title,
        "ticket_status": ticket_status,
        "max_mb": MAX_BYTES // (1024 * 1024),
        "max_files": service.MAX_ATTACHMENTS,
    }


@blueprint.errorhandler(RequestEntityTooLarge)
def too_large(_error):
    """A request bigger than the server accepts: say so on the form instead of a bare error page."""
    flash(_("The files are too large together. Attach fewer or smaller files."), "error")
    ticket_id = (request.view_args or {}).get("ticket_id")
    target = url_for("support.ticket", ticket_id=ticket_id) if ticket_id else url_for("support.new")
    return redirect(target)


@blueprint.get("/")
@require(USE_PERMISSION)
def index():
    wanted = requested_page()
    page = service.tickets_page(current_principal(), after=wanted.after, before=wanted.before, size=PAGE_SIZE)
    return render_template(
        "support/index.html",
        tickets=page.rows,
        page=page,
        **page_context(),
    )


@blueprint.route("/new", methods=["GET", "POST"])
@require(USE_PERMISSION)
def new():
    user = current_principal()
    categories = categories_for(g.tenant)
    accounts = my_accounts()
    values = {"category": request.args.get("category", ""), "subject": "", "body": "", "account_id": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = read_form(NewTicketForm())
        values = {**values, **form.values}
        files = uploaded_files()
        account = None
        bad_account = "account_id" in form.errors
        if not bad_account and form.data.get("account_id") is not None:
            account = user_may_use(user, form.data["account_id"])
            bad_account = account is None
        other = {name: form.error(name) for name in form.errors if name != "account_id"}
        if bad_account or other:  # report it with everything else, and write nothing
            text = {name: str(values.get(name, "")) for name in ("category", "subject", "body")}
            errors = {**service.check_new_ticket(text["category"], text["subject"], text["body"], files), **other}
            if bad_account:
                errors["account_id"] = _("Choose one of your accounts.")
        if not errors:
            try:
                ticket = service.open_ticket(
                    user,
                    form.data["category"],
                    form.data["subject"],
                    form.data["body"],
                    account=account,
                    source="web",
                    attachments=files,
                )
            except service.TicketError as refused:
                session.rollback()
                errors = refused.errors
            else:
                session.commit()
                flash(_("Your request #%(id)s is sent. We will answer here and by e-mail.", id=ticket.id), "info")
                return redirect(url_for("support.ticket", ticket_id=ticket.id))
    return render_template(
        "support/new.html",
        categories=categories,
        accounts=accounts,
        values=values,
        errors=errors,
        **page_context(),
    ), (400 if errors else 200)


def _ticket_page(ticket, errors=None, values=None, status=200):
    user = current_principal()
    messages = service.thread(ticket, include_internal=False)
    people = service.users_by_id([m.author_id for m in messages])
    is_author = ticket.author_id == user.id
    errors = errors or {}
    can_reply = is_author and ticket.merged_into_id is None and ticket.status not in (CLOSED, DECLINED)
    can_rate = (
        is_author and ticket.rating is None and ticket.merged_into_id is None and ticket.status in (RESOLVED, CLOSED)
    )
    shown_in_forms = ({"body", "attachments"} if can_reply else set()) | ({"rating", "comment"} if can_rate else set())
    return render_template(
        "support/ticket.html",
        ticket=ticket,
        messages=messages,
        files=service.attachments_of(messages),
        people=people,
        is_author=is_author,
        staff=False,
        can_reply=can_reply,
        can_close=is_author and ticket.status not in (CLOSED, DECLINED),
        can_rate=can_rate,
        waiting=ticket.status == WAITING,
        errors=errors,
        problems=[message for name, message in errors.items() if name not in shown_in_forms],
        values=values or {},
        **page_context(),
    ), status


@blueprint.get("/<int:ticket_id>")
@require(USE_PERMISSION)
def ticket(ticket_id: int):
    # Staff who also hold a subscriber role see the subscriber's view read-only (no notes, no forms).
    return _ticket_page(visible_or_404(current_principal(), ticket_id))


@blueprint.post("/<int:ticket_id>/reply")
@require(USE_PERMISSION)
def reply(ticket_id: int):
    user = current_principal()
    ticket = authored_or_404(user, ticket_id)
    form = read_form(ReplyForm())
    if not form.ok:
        return _ticket_page(ticket, {"body": form.error("body")}, form.values, 400)
    try:
        service.author_reply(ticket, user, form.data["body"], uploaded_files())
    except service.TicketError as refused:
        session.rollback()
        return _ticket_page(authored_or_404(user, ticket_id), refused.errors, form.values, 400)
    session.commit()
    flash(_("Your message is sent."), "info")
    return redirect(url_for("support.ticket", ticket_id=ticket.id))


@blueprint.post("/<int:ticket_id>/close")
@require(USE_PERMISSION)
def close(ticket_id: int):
    user = current_principal()
    ticket = authored_or_404(user, ticket_id)
    try:
        service.close_by_author(ticket, user)
    except service.TicketError as refused:
        session.rollback()
        flash(next(iter(refused.errors.values())), "error")
    else:
        session.commit()
        flash(_("The request is closed. Thank you!"), "info")
    return redirect(url_for("support.ticket", ticket_id=ticket.id))


@blueprint.post("/<int:ticket_id>/rate")
@require(USE_PERMISSION)
def rate(ticket_id: int):
    user = current_principal()
    ticket = authored_or_404(user, ticket_id)
    form = read_form(RatingForm())
    rating = form.data["rating"] if form.ok else 0  # the service explains what a rating must be
    try:
        service.rate(ticket, user, rating, form.data.get("comment", form.values.get("comment", "")))
    except service.TicketError as refused:
        session.rollback()
        return _ticket_page(
            authored_or_404(user, ticket_id), refused.errors, {"comment": form.values.get("comment", "")}, 400
        )
    session.commit()
    flash(_("Thank you for your rating!"), "info")
    return redirect(url_for("support.ticket", ticket_id=ticket.id))
