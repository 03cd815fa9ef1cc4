"""Who may see a ticket, its messages and its attachments.

* the ticket's author sees it (without internal notes) and acts on it;
* staff holding ``support.queue`` see every ticket of their tenant, internal notes included;
* anybody else gets a 404 (never a 403: the ticket's existence is not confirmed).
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from core.access.service import has_permission
from core.db import session
from core.identity.models import User
from core.support.models import Ticket, TicketMessage

QUEUE_PERMISSION = "support.queue"
USE_PERMISSION = "support.use"
ATTACHMENT_OWNER = "ticket_message"


def is_staff(user: User | None) -> bool:
    """May ``user`` work the support queue of the current tenant?"""
    return has_permission(user, QUEUE_PERMISSION)


def find_ticket(ticket_id: int) -> Ticket | None:
    return session.scalar(select(Ticket).where(Ticket.id == ticket_id))


def authored_or_404(user: User, ticket_id: int) -> Ticket:
    """The ticket if ``user`` opened it; 404 for another subscriber's or another tenant's."""
    ticket = find_ticket(ticket_id)
    if ticket is None or ticket.author_id != user.id:
        abort(404)
    return ticket


def visible_or_404(user: User, ticket_id: int) -> Ticket:
    """The ticket if ``user`` opened it or works the queue; 404 otherwise."""
    ticket = find_ticket(ticket_id)
    if ticket is None or (ticket.author_id != user.id and not is_staff(user)):
        abort(404)
    return ticket


def may_see_attachment(user: User, message_id: int) -> bool:
    """Files of a message: staff always; the ticket's author unless the message is an internal note."""
    row = session.execute(
        select(TicketMessage.internal, Ticket.author_id)
        .join(Ticket, Ticket.id == TicketMessage.ticket_id)
        .where(TicketMessage.id == message_id)
    ).first()
    if row is None:
        return False
    if is_staff(user):
        return True
    internal, author_id = row
    return not internal and author_id == user.id
