"""Public support service: open conversations, reply, add internal notes, change status, assign, merge, rate.

Every function works in the caller's transaction (the caller commits) and for the current tenant.
Refused input raises :class:`TicketError` before anything is written: a rejected attachment leaves
no ticket, no message and no file behind.

Status flow: ``new`` → ``in_progress`` ⇄ ``waiting`` (for the subscriber) → ``resolved`` →
``closed``; ``declined`` ends an open ticket. Every step is a timestamped
:class:`~core.support.models.TicketStatusChange`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import g, has_app_context
from flask_babel import gettext, lazy_gettext
from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import aliased

from core.access.models import Role, RoleAssignment
from core.access.service import registry
from core.audit.service import record as audit
from core.db import current_tenant_id, session, utcnow
from core.db.keyset import KeysetPage, keyset_page
from core.db.tenancy import built_once
from core.files.models import StoredFile
from core.files.storage import MAX_BYTES, Upload, check_upload, sniff, storage, store
from core.identity.models import USER_ACTIVE, User
from core.mail.outbox import queue_mail
from core.notify.service import notify, recipient_language
from core.support.access import ATTACHMENT_OWNER, QUEUE_PERMISSION
from core.support.categories import all_categories, categories_for, category_title
from core.support.models import (
    CLOSED,
    DECLINED,
    IN_PROGRESS,
    NEW,
    OPEN_STATUSES,
    RESOLVED,
    STATUSES,
    WAITING,
    Ticket,
    TicketMessage,
    TicketStatusChange,
)
from core.support.settings import NAMESPACE as DEADLINES
from core.tenants.models import Tenant
from core.tenants.urls import external_url, site_path
from core.web.bounds import parse_id

ATTACHMENT_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"})
MAX_ATTACHMENTS = 5
MAX_SUBJECT = 200
MAX_BODY = 10_000
MAX_RATING_COMMENT = 500
SOURCE_MAX = 40

# Which status an operator may move a ticket to from each status.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    NEW: (IN_PROGRESS, WAITING, RESOLVED, DECLINED),
    IN_PROGRESS: (WAITING, RESOLVED, DECLINED),
    WAITING: (IN_PROGRESS, RESOLVED, CLOSED, DECLINED),
    RESOLVED: (IN_PROGRESS, CLOSED),
    CLOSED: (),
    DECLINED: (),
}
# Overdue counts only while it is the provider's turn (not while waiting for the subscriber).
DEADLINE_STATUSES = (NEW, IN_PROGRESS)
FINAL_STATUSES = (CLOSED, DECLINED)
RATABLE_STATUSES = (RESOLVED, CLOSED)


class TicketError(ValueError):
    """Input refused; ``errors`` maps form fields to messages. Nothing was written."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors

    @classmethod
    def one(cls, field_name: str, message: str) -> TicketError:
        return cls({field_name: message})


# -- helpers ---------------------------------------------------------------------------------------


def _tenant() -> Tenant:
    tenant = g.get("tenant") if has_app_context() else None
    if tenant is None or tenant.id != current_tenant_id():
        tenant = session.get(Tenant, current_tenant_id())
    return tenant


def _record(ticket: Ticket, to_status: str, actor: User | None, now: datetime) -> None:
    session.add(
        TicketStatusChange(
            ticket_id=ticket.id,
            from_status=ticket.status or "",
            to_status=to_status,
            actor_id=actor.id if actor is not None else None,
            at=now,
        )
    )
    ticket.status = to_status
    ticket.updated_at = now
    if to_status == RESOLVED:
        ticket.resolved_at = now
    elif to_status in FINAL_STATUSES:
        ticket.closed_at = now
    elif to_status in OPEN_STATUSES:
        ticket.closed_at = None


def check_attachments(files: Iterable[tuple[str, bytes]]) -> list[Upload]:
    """Check uploads by their content (images and PDF, at most 10 MB each); raises :class:`TicketError`."""
    files = [(name, data) for name, data in files if name or data]
    if len(files) > MAX_ATTACHMENTS:
        raise TicketError.one("attachments", gettext("Attach at most %(n)s files.", n=MAX_ATTACHMENTS))
    checked = []
    for name, data in files:
        shown = (name or "file").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:100]
        if len(data) > MAX_BYTES:
            message = gettext("“%(name)s” is larger than %(mb)s MB.", name=shown, mb=MAX_BYTES // (1024 * 1024))
            raise TicketError.one("attachments", message)
        if not data:
            raise TicketError.one("attachments", gettext("“%(name)s” is empty.", name=shown))
        if sniff(data) not in ATTACHMENT_TYPES:
            message = gettext("“%(name)s” is not a picture (PNG, JPEG, GIF, WebP) or a PDF document.", name=shown)
            raise TicketError.one("attachments", message)
        checked.append(check_upload(name, data, ATTACHMENT_TYPES, MAX_BYTES))
    return checked


def _store_all(uploads: Sequence[Upload], message: TicketMessage, uploaded_by: int | None) -> list[StoredFile]:
    stored: list[StoredFile] = []
    try:
        for upload in uploads:
            stored.append(store(upload, ATTACHMENT_OWNER, message.id, uploaded_by))
    except Exception:
        for row in stored:  # do not leave files of a message that will not exist
            storage().delete(row.storage_key)
        raise
    return stored


def _clean_body(body: str, errors: dict[str, str], field_name: str = "body") -> str:
    text = (body or "").strip()
    if not text:
        errors[field_name] = gettext("Write the message.")
    elif len(text) > MAX_BODY:
        errors[field_name] = gettext("The message is too long (at most %(n)s characters).", n=MAX_BODY)
    return text


def deadline_hours(category: str) -> tuple[int, int]:
    """(response, resolution) hours for ``category`` on the current tenant: its settings, else the defaults."""
    stored = get_deadline_settings().get(category)
    if stored:
        return stored["response_hours"], stored["resolution_hours"]
    registered = all_categories().get(category)
    if registered is None:
        return 24, 72
    return registered.response_hours, registered.resolution_hours


def get_deadline_settings() -> Mapping[str, Mapping[str, int]]:
    """The tenant's deadlines by category code (read-only)."""
    from core.settings.service import get_settings

    return get_settings(DEADLINES).categories


_QUEUE_STAFF = built_once(  # the queue's "assigned to" choices, on every queue page
    select(User)
    .where(
        User.status == USER_ACTIVE,
        User.id.in_(
            select(RoleAssignment.user_id).where(
                RoleAssignment.role_id.in_(bindparam("role_ids", expanding=True)),
                RoleAssignment.organization_id.is_(None),
            )
        ),
    )
    .order_by(User.full_name, User.login)
)


def queue_staff() -> list[User]:
    """Active users holding ``support.queue`` tenant-wide (operators and administrators by default)."""
    from core.db.config_version import process_cache
    from core.plugins.state import enabled_plugins

    def read() -> tuple[int, ...]:
        reg = registry()
        enabled = enabled_plugins(_tenant()) | {"core"}
        return tuple(
            role.id
            for role in session.scalars(select(Role))
            if role.source in enabled
            and QUEUE_PERMISSION in (reg.default_permissions(role.code) | set(role.extra_permissions or []))
        )

    role_ids = process_cache().get(("support.queue_roles", _tenant().id), read)  # roles invalidate the caches
    if not role_ids:
        return []
    return list(session.scalars(_QUEUE_STAFF, {"role_ids": list(role_ids)}))


# -- opening ---------------------------------------------------------------------------------------


def open_ticket(
    author: User,
    category: str,
    subject: str,
    body: str,
    *,
    account=None,
    source: str = "plugin",
    attachments: Iterable[tuple[str, bytes]] = (),
) -> Ticket:
    """Open a support conversation for ``author`` (in the caller's transaction; the caller commits).

    ``category`` is the code of a category offered on the tenant's site; ``account`` an optional
    personal account it is about; ``source`` says where it came from (``"plugin:<name>"`` for a
    plugin, e.g. a legal entity's written application to change its tariff). ``attachments`` are
    ``(filename, bytes)`` pairs, checked by content. Operators holding ``support.queue`` get an
    e-mail. Raises :class:`TicketError` (nothing written) when something is refused.
    """
    tenant = _tenant()
    if not source or len(source) > SOURCE_MAX:
        raise ValueError(f"source must have 1–{SOURCE_MAX} characters")
    subject, text, uploads, errors = _check_new(tenant, category, subject, body, attachments)
    if errors:
        raise TicketError(errors)

    now = utcnow()
    response_hours, resolution_hours = deadline_hours(category)
    ticket = Ticket(
        author_id=author.id,
        personal_account_id=account.id if account is not None else None,
        category=category,
        subject=subject,
        status=NEW,
        source=source,
        created_at=now,
        updated_at=now,
        response_due_at=now + timedelta(hours=response_hours),
        resolution_due_at=now + timedelta(hours=resolution_hours),
    )
    session.add(ticket)
    session.flush()
    message = TicketMessage(ticket_id=ticket.id, author_id=author.id, body=text, internal=False, created_at=now)
    session.add(message)
    session.flush()
    _store_all(uploads, message, author.id)
    session.add(TicketStatusChange(ticket_id=ticket.id, from_status="", to_status=NEW, actor_id=author.id, at=now))
    _mail_staff_about_new(ticket, author, text, tenant)
    return ticket


def check_new_ticket(category: str, subject: str, body: str, attachments: Iterable[tuple[str, bytes]] = ()):
    """What :func:`open_ticket` would refuse, as ``{field: message}`` (empty when fine); writes nothing."""
    return _check_new(_tenant(), category, subject, body, attachments)[3]


def _check_new(tenant: Tenant, category: str, subject: str, body: str, attachments: Iterable[tuple[str, bytes]]):
    errors: dict[str, str] = {}
    if category not in categories_for(tenant):
        errors["category"] = gettext("Choose a topic from the list.")
    subject = " ".join((subject or "").split())
    if not subject:
        errors["subject"] = gettext("Write what the request is about.")
    elif len(subject) > MAX_SUBJECT:
        errors["subject"] = gettext("The subject is too long (at most %(n)s characters).", n=MAX_SUBJECT)
    text = _clean_body(body, errors)
    uploads = _uploads_or_error(attachments, errors)
    return subject, text, uploads, errors


def _mail_staff_about_new(ticket: Ticket, author: User, text: str, tenant: Tenant) -> None:
    link = external_url(tenant, "support_admin.ticket", ticket_id=ticket.id)
    for user in queue_staff():
        if not user.email or user.id == author.id:
            continue
        queue_mail(
            user.email,
            lazy_gettext("New support request #%(id)s: %(subject)s", id=ticket.id, subject=ticket.subject),
            "ticket_new",
            kind="ticket_new",
            locale=user.locale or tenant.locale,
            tenant=tenant,
            user=user,
            ticket=ticket,
            author=author,
            body=text,
            link=link,
            category_title=category_title,
        )


# -- messages --------------------------------------------------------------------------------------


def author_reply(ticket: Ticket, author: User, body: str, attachments: Iterable[tuple[str, bytes]] = ()):
    """The subscriber writes again; a ``waiting`` or ``resolved`` ticket goes back to ``in_progress``."""
    if ticket.author_id != author.id:
        raise PermissionError("only the author replies as the subscriber")
    if ticket.merged_into_id is not None:
        raise TicketError.one(
            "body", gettext("This request was merged into #%(id)s; write there.", id=ticket.merged_into_id)
        )
    if ticket.status in FINAL_STATUSES:
        raise TicketError.one("body", gettext("This request is closed. Open a new one, please."))
    errors: dict[str, str] = {}
    text = _clean_body(body, errors)
    uploads = _uploads_or_error(attachments, errors)
    if errors:
        raise TicketError(errors)
    now = utcnow()
    message = _add_message(ticket, author, text, internal=False, now=now)
    _store_all(uploads, message, author.id)
    if ticket.status in (WAITING, RESOLVED):
        _record(ticket, IN_PROGRESS, author, now)
    return message


def _uploads_or_error(attachments: Iterable[tuple[str, bytes]], errors: dict[str, str]) -> list[Upload]:
    try:
        return check_attachments(attachments)
    except TicketError as refused:
        errors.update(refused.errors)
        return []


def _add_message(ticket: Ticket, author: User | None, text: str, *, internal: bool, now: datetime) -> TicketMessage:
    message = TicketMessage(
        ticket_id=ticket.id, author_id=author.id if author else None, body=text, internal=internal, created_at=now
    )
    session.add(message)
    session.flush()
    ticket.updated_at = now
    return message


def staff_reply(
    ticket: Ticket,
    operator: User,
    body: str,
    attachments: Iterable[tuple[str, bytes]] = (),
    *,
    status: str | None = None,
) -> TicketMessage:
    """An operator answers the subscriber, who is notified (``ticket_reply``: in the app and/or by e-mail).

    ``status`` optionally moves the ticket on at the same time (e.g. to ``waiting`` or ``resolved``);
    without it a ``new`` ticket becomes ``in_progress``.
    """
    if ticket.status in FINAL_STATUSES:
        raise TicketError.one("body", gettext("The request is closed; it cannot be answered any more."))
    errors: dict[str, str] = {}
    text = _clean_body(body, errors)
    uploads = _uploads_or_error(attachments, errors)
    target = status or (IN_PROGRESS if ticket.status == NEW else ticket.status)
    if target != ticket.status and target not in TRANSITIONS[ticket.status]:
        errors["status"] = gettext("This status cannot be set now.")
    if errors:
        raise TicketError(errors)
    now = utcnow()
    message = _add_message(ticket, operator, text, internal=False, now=now)
    _store_all(uploads, message, operator.id)
    if ticket.first_response_at is None:
        ticket.first_response_at = now
    if target != ticket.status:
        _record(ticket, target, operator, now)
    _notify_author(ticket, message)
    return message


def add_note(ticket: Ticket, operator: User, body: str, attachments: Iterable[tuple[str, bytes]] = ()) -> TicketMessage:
    """An internal note: operators only. Never shown to the subscriber, never in the API, never e-mailed."""
    errors: dict[str, str] = {}
    text = _clean_body(body, errors)
    uploads = _uploads_or_error(attachments, errors)
    if errors:
        raise TicketError(errors)
    message = _add_message(ticket, operator, text, internal=True, now=utcnow())
    _store_all(uploads, message, operator.id)
    return message


def _notify_author(ticket: Ticket, message: TicketMessage) -> None:
    author = session.get(User, ticket.author_id)
    if author is None or not author.is_active:
        return
    tenant = _tenant()
    with recipient_language(author, tenant):
        title = gettext("Reply to your request #%(id)s: %(subject)s", id=ticket.id, subject=ticket.subject)
        notify(
            author,
            "ticket_reply",
            title,
            message.body,
            site_path("support.ticket", ticket_id=ticket.id),
            dedupe_key=f"ticket-message:{message.id}",
            tenant=tenant,
        )


# -- status, assignment, merge, rating -------------------------------------------------------------


def change_status(ticket: Ticket, to_status: str, actor: User) -> None:
    """An operator moves the ticket on (see :data:`TRANSITIONS`); raises :class:`TicketError` otherwise."""
    if to_status not in STATUSES or to_status not in TRANSITIONS[ticket.status]:
        raise TicketError.one("status", gettext("This status cannot be set now."))
    _record(ticket, to_status, actor, utcnow())


def close_by_author(ticket: Ticket, author: User) -> None:
    """The subscriber closes their own request (any status but closed or declined)."""
    if ticket.author_id != author.id:
        raise PermissionError("only the author closes as the subscriber")
    if ticket.status in FINAL_STATUSES:
        raise TicketError.one("status", gettext("The request is already closed."))
    _record(ticket, CLOSED, author, utcnow())


def assign(ticket: Ticket, assignee: User | None, actor: User) -> None:
    """Give the ticket to a staff member holding ``support.queue`` (``None``: nobody). Audited."""
    if assignee is not None and assignee.id not in {u.id for u in queue_staff()}:
        raise TicketError.one("assignee", gettext("Choose a member of staff who works the support queue."))
    before = ticket.assignee_id
    ticket.assignee_id = assignee.id if assignee is not None else None
    ticket.updated_at = utcnow()
    audit("ticket.assign", "ticket", ticket.id, {"assignee_id": before}, {"assignee_id": ticket.assignee_id})


def merge(duplicate: Ticket, target: Ticket, actor: User) -> None:
    """Close ``duplicate`` as merged into ``target``; its messages then show in ``target``. Audited.

    Only requests of the same subscriber are merged (the thread is shown to them), and never into a
    closed or already merged request.
    """
    if duplicate.id == target.id:
        raise TicketError.one("target", gettext("A request cannot be merged into itself."))
    if duplicate.merged_into_id is not None:
        raise TicketError.one("target", gettext("This request is already merged."))
    if target.merged_into_id is not None or target.status in FINAL_STATUSES:
        raise TicketError.one("target", gettext("Request #%(id)s is closed; choose an open one.", id=target.id))
    if target.author_id != duplicate.author_id:
        raise TicketError.one("target", gettext("Only requests of the same subscriber can be merged."))
    now = utcnow()
    duplicate.merged_into_id = target.id
    if duplicate.status != CLOSED:
        _record(duplicate, CLOSED, actor, now)
    note = gettext(
        "Request #%(id)s “%(subject)s” was merged into this one.", id=duplicate.id, subject=duplicate.subject
    )
    _add_message(target, actor, note, internal=True, now=now)
    audit("ticket.merge", "ticket", duplicate.id, None, {"merged_into_id": target.id})


def rate(ticket: Ticket, author: User, rating: int, comment: str = "") -> None:
    """The subscriber rates the answer once, 1–5, when the ticket is resolved or closed."""
    if ticket.author_id != author.id:
        raise PermissionError("only the author rates")
    errors: dict[str, str] = {}
    if ticket.rating is not None:
        errors["rating"] = gettext("You have already rated this answer.")
    elif ticket.status not in RATABLE_STATUSES or ticket.merged_into_id is not None:
        errors["rating"] = gettext("You can rate the answer once the request is resolved.")
    elif not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        errors["rating"] = gettext("Choose a mark from 1 to 5.")
    comment = (comment or "").strip()
    if len(comment) > MAX_RATING_COMMENT:
        errors["comment"] = gettext("The comment is too long (at most %(n)s characters).", n=MAX_RATING_COMMENT)
    if errors:
        raise TicketError(errors)
    ticket.rating = rating
    ticket.rating_comment = comment
    ticket.updated_at = utcnow()


# -- reading ---------------------------------------------------------------------------------------


def merged_ids(ticket: Ticket) -> list[int]:
    """``ticket``'s id and the ids of every ticket merged into it (also indirectly)."""
    ids = [ticket.id]
    frontier = [ticket.id]
    while frontier:
        frontier = list(session.scalars(select(Ticket.id).where(Ticket.merged_into_id.in_(frontier))))
        frontier = [i for i in frontier if i not in ids]
        ids += frontier
    return ids


def thread(ticket: Ticket, *, include_internal: bool) -> list[TicketMessage]:
    """The conversation, oldest first, with the messages of the tickets merged into it."""
    stmt = select(TicketMessage).where(TicketMessage.ticket_id.in_(merged_ids(ticket)))
    if not include_internal:
        stmt = stmt.where(TicketMessage.internal.is_(False))
    return list(session.scalars(stmt.order_by(TicketMessage.created_at, TicketMessage.id)))


def attachments_of(messages: Sequence[TicketMessage]) -> dict[int, list[StoredFile]]:
    """Stored files per message id (one query)."""
    ids = [m.id for m in messages]
    found: dict[int, list[StoredFile]] = {i: [] for i in ids}
    if ids:
        rows = session.scalars(
            select(StoredFile)
            .where(StoredFile.owner_type == ATTACHMENT_OWNER, StoredFile.owner_id.in_(ids))
            .order_by(StoredFile.id)
        )
        for row in rows:
            found[row.owner_id].append(row)
    return found


def users_by_id(ids: Iterable[int | None]) -> dict[int, User]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(wanted)))}


def history(ticket: Ticket) -> list[TicketStatusChange]:
    return list(
        session.scalars(
            select(TicketStatusChange)
            .where(TicketStatusChange.ticket_id == ticket.id)
            .order_by(TicketStatusChange.at, TicketStatusChange.id)
        )
    )


def tickets_of(user: User, limit: int = 100, offset: int = 0) -> list[Ticket]:
    """The user's own tickets, newest activity first."""
    return list(
        session.scalars(
            select(Ticket)
            .where(Ticket.author_id == user.id)
            .order_by(Ticket.updated_at.desc(), Ticket.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )


def tickets_page(
    user: User, *, after: str | None = None, before: str | None = None, size: int = 50
) -> KeysetPage[Ticket]:
    """One keyset page of the user's own tickets (newest activity first) and how many they have in all."""
    page = keyset_page(
        select(Ticket).where(Ticket.author_id == user.id),
        (Ticket.updated_at.desc(), Ticket.id.desc()),
        lambda row: (row[0].updated_at, row[0].id),
        size=size,
        after=after,
        before=before,
    )
    return page.map(lambda row: row[0])


def overdue_kind(ticket: Ticket, now: datetime | None = None) -> str | None:
    """``"response"`` or ``"resolution"`` when that deadline has passed while it is the provider's turn."""
    now = now or utcnow()
    if ticket.status not in DEADLINE_STATUSES:
        return None
    if ticket.first_response_at is None and ticket.response_due_at is not None and ticket.response_due_at < now:
        return "response"
    if ticket.resolution_due_at is not None and ticket.resolution_due_at < now:
        return "resolution"
    return None


def overdue_clause(now: datetime):
    """The SQL condition matching :func:`overdue_kind` (for the queue filter)."""
    return and_(
        Ticket.status.in_(DEADLINE_STATUSES),
        or_(
            and_(Ticket.first_response_at.is_(None), Ticket.response_due_at < now),
            Ticket.resolution_due_at < now,
        ),
    )


@dataclass
class QueueFilters:
    """What the queue shows: ``status`` is a status code, ``"open"`` or ``""`` (all);
    ``assignee`` is ``""`` (anyone), ``"none"``, ``"me"`` or a user id."""

    status: str = "open"
    category: str = ""
    assignee: str = ""
    overdue: bool = False


@dataclass(frozen=True)
class QueueRow:
    ticket: Ticket
    author_name: str
    assignee_name: str | None
    last_message_at: datetime | None
    message_count: int
    overdue: str | None


def queue(
    filters: QueueFilters,
    viewer: User,
    *,
    after: str | None = None,
    before: str | None = None,
    per_page: int = 50,
) -> KeysetPage[QueueRow]:
    """One keyset page of the tenant's queue, newest first, in two SQL statements whatever its size (count + rows).

    Authors, assignees, the last message time and the message count come in the same query (joins and
    subqueries per ticket of the page), so rendering the page touches no lazy relationship; a page of a
    10,000-ticket queue reads no more than a page of a 100-ticket one (cursors: :mod:`core.db.keyset`).
    """
    now = utcnow()
    conditions = []
    if filters.status == "open":
        conditions.append(Ticket.status.in_(OPEN_STATUSES))
    elif filters.status in STATUSES:
        conditions.append(Ticket.status == filters.status)
    if filters.category:
        conditions.append(Ticket.category == filters.category)
    if filters.assignee == "none":
        conditions.append(Ticket.assignee_id.is_(None))
    elif filters.assignee == "me":
        conditions.append(Ticket.assignee_id == viewer.id)
    elif parse_id(filters.assignee) is not None:
        conditions.append(Ticket.assignee_id == parse_id(filters.assignee))
    if filters.overdue:
        conditions.append(overdue_clause(now))

    total = session.scalar(select(func.count(Ticket.id)).where(*conditions)) or 0
    author = aliased(User, name="author")
    assignee = aliased(User, name="assignee")
    of_ticket = (TicketMessage.tenant_id == current_tenant_id(), TicketMessage.ticket_id == Ticket.id)
    last_at = select(func.max(TicketMessage.created_at)).where(*of_ticket).correlate(Ticket).scalar_subquery()
    messages = select(func.count(TicketMessage.id)).where(*of_ticket).correlate(Ticket).scalar_subquery()
    stmt = (
        select(
            Ticket,
            author.full_name,
            author.login,
            assignee.full_name,
            assignee.login,
            last_at.label("last_at"),
            messages.label("messages"),
        )
        .join(author, author.id == Ticket.author_id)
        .outerjoin(assignee, assignee.id == Ticket.assignee_id)
        .where(*conditions)
    )
    page = keyset_page(
        stmt, (Ticket.id.desc(),), lambda row: (row[0].id,), size=per_page, after=after, before=before, total=total
    )

    def queue_row(row) -> QueueRow:
        ticket, author_full, author_login, assignee_full, assignee_login, last_message_at, count = row
        return QueueRow(
            ticket=ticket,
            author_name=author_full or author_login,
            assignee_name=(assignee_full or assignee_login) if assignee_login else None,
            last_message_at=last_message_at,
            message_count=count or 0,
            overdue=overdue_kind(ticket, now),
        )

    return page.map(queue_row)


def count_open_tickets(category: str | None = None) -> int:
    """How many of the tenant's tickets are open (new, in progress or waiting), of ``category`` if given."""
    stmt = select(func.count(Ticket.id)).where(Ticket.status.in_(OPEN_STATUSES))
    if category:
        stmt = stmt.where(Ticket.category == category)
    return session.scalar(stmt) or 0
