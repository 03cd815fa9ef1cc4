"""Support conversations in the API (the subscriber's side): list, open, read, reply, close, rate.

Internal notes never appear here. Another subscriber's or another tenant's ticket answers 404
(looked up before the request body is read, so a foreign id never gets as far as validation).
"""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate

from core.access.guard import current_principal, require
from core.accounts.service import user_may_use
from core.db import session
from core.files.views import file_response
from core.rest.lookup import BEARER, found_first
from core.support import service
from core.support.access import USE_PERMISSION, authored_or_404, visible_or_404
from core.support.categories import categories_for, category_title
from core.tenants.urls import external_url
from core.web.bounds import MAX_ID

blueprint = Blueprint(
    "api_tickets", __name__, url_prefix="/api/v1/tickets", description="Support conversations of the subscriber"
)


class TicketCategorySchema(Schema):
    code = fields.String()
    title = fields.String()


class TicketAttachmentSchema(Schema):
    id = fields.Integer()
    filename = fields.String()
    mime = fields.String()
    size = fields.Integer()
    url = fields.String(metadata={"description": "GET it with the same bearer token"})


class TicketMessageSchema(Schema):
    id = fields.Integer()
    ticket_id = fields.Integer(metadata={"description": "differs from the ticket's id for merged duplicates"})
    from_support = fields.Boolean(metadata={"description": "true for the provider's answers"})
    body = fields.String()
    created_at = fields.DateTime()
    attachments = fields.List(fields.Nested(TicketAttachmentSchema))


class TicketSchema(Schema):
    id = fields.Integer()
    category = fields.String()
    category_title = fields.String()
    subject = fields.String()
    status = fields.String(
        metadata={"description": "new, in_progress, waiting (for you), resolved, closed or declined"}
    )
    personal_account_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    rating = fields.Integer(allow_none=True)
    rating_comment = fields.String()
    merged_into_id = fields.Integer(allow_none=True)


class TicketDetailSchema(TicketSchema):
    messages = fields.List(fields.Nested(TicketMessageSchema))


class TicketListQuery(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_ID))


class TicketCreateSchema(Schema):
    category = fields.String(required=True, metadata={"description": "a code from GET /api/v1/tickets/categories"})
    subject = fields.String(required=True, validate=validate.Length(min=1, max=service.MAX_SUBJECT))
    body = fields.String(required=True, validate=validate.Length(min=1, max=service.MAX_BODY))
    personal_account_id = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=MAX_ID))


class TicketReplySchema(Schema):
    body = fields.String(required=True, validate=validate.Length(min=1, max=service.MAX_BODY))


class TicketRatingSchema(Schema):
    rating = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5))
    comment = fields.String(load_default="", validate=validate.Length(max=service.MAX_RATING_COMMENT))


def _refuse(refused: service.TicketError):
    session.rollback()
    abort(422, messages={name: [message] for name, message in refused.errors.items()})


def _dump(ticket, with_messages: bool = False) -> dict:
    data = {
        "id": ticket.id,
        "category": ticket.category,
        "category_title": category_title(ticket.category),
        "subject": ticket.subject,
        "status": ticket.status,
        "personal_account_id": ticket.personal_account_id,
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "rating": ticket.rating,
        "rating_comment": ticket.rating_comment,
        "merged_into_id": ticket.merged_into_id,
    }
    if with_messages:
        messages = service.thread(ticket, include_internal=False)
        files = service.attachments_of(messages)
        data["messages"] = [
            {
                "id": m.id,
                "ticket_id": m.ticket_id,
                "from_support": m.author_id != ticket.author_id,
                "body": m.body,
                "created_at": m.created_at,
                "attachments": [
                    {
                        "id": f.id,
                        "filename": f.filename,
                        "mime": f.mime,
                        "size": f.size,
                        "url": external_url(g.tenant, "api_tickets.attachment", ticket_id=ticket.id, file_id=f.id),
                    }
                    for f in files.get(m.id, [])
                ],
            }
            for m in messages
        ]
    return data


@blueprint.get("")
@require(USE_PERMISSION)
@blueprint.arguments(TicketListQuery, location="query")
@blueprint.response(200, TicketSchema(many=True))
@blueprint.doc(security=BEARER)
def list_tickets(query):
    """The caller's own tickets, most recently active first."""
    tickets = service.tickets_of(current_principal(), limit=query["limit"], offset=query["offset"])
    return [_dump(t) for t in tickets]


@blueprint.get("/categories")
@require(USE_PERMISSION)
@blueprint.response(200, TicketCategorySchema(many=True))
@blueprint.doc(security=BEARER)
def list_categories():
    """The topics a ticket can be opened under on this site."""
    return [{"code": code, "title": category_title(code)} for code in categories_for(g.tenant)]


@blueprint.post("")
@require(USE_PERMISSION)
@blueprint.arguments(TicketCreateSchema)
@blueprint.response(201, TicketDetailSchema)
@blueprint.doc(security=BEARER)
def create_ticket(payload):
    """Open a ticket (attachments can be added on the web site)."""
    user = current_principal()
    account = None
    if payload["personal_account_id"] is not None:
        account = user_may_use(user, payload["personal_account_id"])
        if account is None:
            abort(422, messages={"personal_account_id": ["not one of your accounts"]})
    try:
        ticket = service.open_ticket(
            user, payload["category"], payload["subject"], payload["body"], account=account, source="api"
        )
    except service.TicketError as refused:
        _refuse(refused)
    session.commit()
    return _dump(ticket, with_messages=True)


@blueprint.get("/<int:ticket_id>")
@require(USE_PERMISSION)
@blueprint.response(200, TicketDetailSchema)
@blueprint.doc(security=BEARER)
def get_ticket(ticket_id: int):
    """One ticket with its conversation (including the messages of duplicates merged into it)."""
    return _dump(visible_or_404(current_principal(), ticket_id), with_messages=True)


@blueprint.post("/<int:ticket_id>/messages")
@require(USE_PERMISSION)
@found_first("ticket_id", authored_or_404)
@blueprint.arguments(TicketReplySchema)
@blueprint.response(201, TicketDetailSchema)
@blueprint.doc(security=BEARER)
def reply(payload, ticket_id: int):
    """Write to support in the ticket; a ticket waiting for you or resolved goes back in progress."""
    user = current_principal()
    ticket = authored_or_404(user, ticket_id)
    try:
        service.author_reply(ticket, user, payload["body"])
    except service.TicketError as refused:
        _refuse(refused)
    session.commit()
    return _dump(ticket, with_messages=True)


@blueprint.post("/<int:ticket_id>/close")
@require(USE_PERMISSION)
@blueprint.response(200, TicketSchema)
@blueprint.doc(security=BEARER)
def close(ticket_id: int):
    """Close the ticket (nothing more to do)."""
    user = current_principal()
    ticket = authored_or_404(user, ticket_id)
    try:
        service.close_by_author(ticket, user)
    except service.TicketError as refused:
        _refuse(refused)
    session.commit()
    return _dump(ticket)


@blueprint.post("/<int:ticket_id>/rating")
@require(USE_PERMISSION)
@found_first("ticket_id", authored_or_404)
@blueprint.arguments(TicketRatingSchema)
@blueprint.response(200, TicketSchema)
@blueprint.doc(security=BEARER)
def rate(payload, ticket_id: int):
    """Rate the answer once, 1–5 with an optional comment, when the ticket is resolved or closed."""
    user = current_principal()
    ticket = authored_or_404(user, ticket_id)
    try:
        service.rate(ticket, user, payload["rating"], payload["comment"])
    except service.TicketError as refused:
        _refuse(refused)
    session.commit()
    return _dump(ticket)


@blueprint.get("/<int:ticket_id>/attachments/<int:file_id>")
@require(USE_PERMISSION)
@blueprint.doc(security=BEARER, responses={"200": {"description": "the file (an image or a PDF)"}})
def attachment(ticket_id: int, file_id: int):
    """A file attached to a message of the ticket's conversation (the ``url`` given with each message)."""
    ticket = visible_or_404(current_principal(), ticket_id)
    messages = service.thread(ticket, include_internal=False)
    stored = next((f for files in service.attachments_of(messages).values() for f in files if f.id == file_id), None)
    if stored is None:
        abort(404)
    return file_response(stored, inline=False)
