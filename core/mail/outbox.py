"""Public mail service: queue a message in the current transaction; deliver due messages with retries.

Nothing is sent inside a web request: a request only writes the outbox row, so a slow or dead SMTP
server never slows a page, never loses a message, and never tells an attacker whether an account
exists. Delivery is the ``core.mail.deliver`` job (any number of queue consumers, ``abonent jobs run``): each
consumer first claims the rows it will send (a lease, taken with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so two
consumers never send the same message.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import smtplib
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any, NamedTuple
from urllib.parse import unquote, urlparse

from flask import current_app, render_template
from flask_babel import force_locale
from jinja2 import TemplateNotFound
from markupsafe import escape
from sqlalchemy import select, update

from core.db import cross_tenant, session, utcnow
from core.db.bulk import insert_rows
from core.jobs.queue import enqueue_after_commit
from core.mail.models import MAIL_FAILED, MAIL_KEPT, MAIL_QUEUED, MAIL_SENT, OutboxMessage

#: The job that delivers the outbox (registered in :mod:`core.jobs.hooks`).
DELIVER_JOB = "core.mail.deliver"
RETRY_BASE = timedelta(seconds=30)
RETRY_CAP = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(days=3)
#: How long a consumer's claim on a message lasts; a consumer that died mid-batch leaves its rows to others after it.
LEASE = timedelta(minutes=10)


def render_mail(
    to: str, subject: str, template: str, *, kind: str = "", locale: str | None = None, **context
) -> dict[str, Any]:
    """Render ``mail/<template>.txt`` (and ``.html`` if it exists): the outbox row's values, not yet queued."""
    with force_locale(locale or "ru"):
        body_text = render_template(f"mail/{template}.txt", **context)
        body_html = render_template(f"mail/{template}.html", **context) if _has_html(template) else None
        subject_text = str(subject)
    return {"to": to, "subject": subject_text, "body_text": body_text, "body_html": body_html, "kind": kind}


class Letter(NamedTuple):
    """One message of :func:`render_mails`: its address, subject and the fields that differ per message."""

    to: str
    subject: str
    fields: Mapping[str, str]


def render_mails(
    template: str, letters: Sequence[Letter], *, kind: str = "", locale: str | None = None, **context
) -> list[dict[str, Any]]:
    """:func:`render_mail` for many messages of one template: the template is rendered once, not per message.

    Each letter's ``fields`` (strings) are added to ``context``; the result equals
    ``[render_mail(l.to, l.subject, template, kind=kind, locale=locale, **context, **l.fields) for l in letters]``
    as long as the template only prints those fields or tests whether they are empty (as
    ``mail/notification.txt`` does). The template is rendered once per set of empty fields with a
    marker in place of each field, then every message is the rendered text with its values put in
    (escaped in the HTML part, as autoescape would). A template that changes a field (a filter, a
    comparison) loses its marker; such a template is rendered per message, as before.
    For bulk notices (a registry import's thousands of payment notices).
    """
    if not letters:
        return []
    token = secrets.token_hex(8)
    stencils: dict[tuple, tuple[list[str], list[str] | None] | None] = {}
    rendered = []
    for letter in letters:
        filled = (*letter.fields, *map(bool, letter.fields.values()))  # which fields are set
        if filled not in stencils:
            markers = {name: f"\x1e{token}:{name}\x1e" if value else "" for name, value in letter.fields.items()}
            stencil = render_mail("", "", template, kind=kind, locale=locale, **context, **markers)
            stencils[filled] = _cut(stencil, token, [name for name, marker in markers.items() if marker])
        cut = stencils[filled]
        if cut is None:  # the template did something else with a field: render this message in full
            rendered.append(
                render_mail(letter.to, letter.subject, template, kind=kind, locale=locale, **context, **letter.fields)
            )
            continue
        text_parts, html_parts = cut
        values = letter.fields
        rendered.append(
            {
                "to": letter.to,
                "subject": str(letter.subject),
                "body_text": _fill(text_parts, values, str),
                "body_html": None if html_parts is None else _fill(html_parts, values, _escaped),
                "kind": kind,
            }
        )
    return rendered


def _escaped(value: str) -> str:
    return str(escape(value))


def _cut(stencil: dict[str, Any], token: str, names: Iterable[str]) -> tuple[list[str], list[str] | None] | None:
    """The stencil's text (and HTML) split at the markers: literal text at even places, field names at odd
    ones; ``None`` when a field's marker does not come out intact (the template changed the value)."""
    pattern = re.compile(f"\x1e{token}:([^\x1e]*)\x1e")
    parts = []
    for body in (stencil["body_text"], stencil["body_html"]):
        if body is None:
            parts.append(None)
            continue
        split = pattern.split(body)
        if f"\x1e{token}" in "".join(split[::2]) or not set(split[1::2]) <= set(names):
            return None
        parts.append(split)
    text_parts, html_parts = parts
    found = set(text_parts[1::2]) | set(html_parts[1::2] if html_parts is not None else ())
    if found != set(names):  # a field that is set but not printed was tested some other way
        return None
    return text_parts, html_parts


def _fill(parts: list[str], values: Mapping[str, str], convert) -> str:
    out = parts[:]
    for index in range(1, len(out), 2):
        out[index] = convert(values[out[index]])
    return "".join(out)


def _has_html(template: str) -> bool:
    """Whether ``mail/<template>.html`` exists (an HTML part is optional); looked up once per app."""
    known: dict[str, bool] = current_app.extensions.setdefault("abonent.mail_html", {})
    if template not in known:
        try:
            current_app.jinja_env.get_template(f"mail/{template}.html")
            known[template] = True
        except TemplateNotFound:
            known[template] = False
    return known[template]


def queue_mail(
    to: str, subject: str, template: str, *, kind: str = "", locale: str | None = None, **context
) -> OutboxMessage:
    """Render ``mail/<template>.txt`` (and ``.html`` if it exists) and add the message to the outbox.

    The message is written in the caller's transaction: it leaves only if that commits.
    """
    message = OutboxMessage(**render_mail(to, subject, template, kind=kind, locale=locale, **context))
    session.add(message)
    enqueue_after_commit(DELIVER_JOB)  # delivered within seconds of the commit, not at the next tick
    return message


def queue_mails(tenant_id: int, messages: Sequence[Mapping[str, Any]]) -> int:
    """Add many messages rendered with :func:`render_mail` to ``tenant_id``'s outbox with one statement.

    For bulk notices (a registry import's payments): no object per message. In the caller's transaction.
    """
    if not messages:
        return 0
    insert_rows(
        OutboxMessage.__table__,
        ("tenant_id", "to", "subject", "body_text", "body_html", "kind"),
        [(tenant_id, m["to"], m["subject"], m["body_text"], m["body_html"], m["kind"]) for m in messages],
    )
    enqueue_after_commit(DELIVER_JOB)
    return len(messages)


def _smtp_settings(url: str) -> dict:
    parsed = urlparse(url)
    return {
        "host": parsed.hostname or "localhost",
        "port": parsed.port or (465 if parsed.scheme == "smtps" else 25),
        "ssl": parsed.scheme == "smtps",
        "starttls": parsed.scheme == "smtp+starttls",
        "username": unquote(parsed.username) if parsed.username else None,
        "password": unquote(parsed.password) if parsed.password else None,
    }


def _to_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = formataddr(("", message.to))
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(idstring=f"abonent-{message.tenant_id}-{message.id}")
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    return email


def _retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min … doubling, at most an hour between tries."""
    return min(RETRY_BASE * (2 ** max(0, attempts - 1)), RETRY_CAP)


def _postpone(message: OutboxMessage, error: str, now: datetime) -> str:
    message.attempts += 1
    message.last_error = error[:2000]
    if now - message.created_at >= GIVE_UP_AFTER:
        message.status = MAIL_FAILED
        return "failed"
    message.next_attempt_at = now + _retry_delay(message.attempts)
    return "retry"


def _claim_due(now: datetime, limit: int) -> list[OutboxMessage]:
    """Claim up to ``limit`` due messages for this consumer (one statement, committed) and return them.

    The claim moves ``next_attempt_at`` past the lease, so no other consumer sees the rows as due; rows another
    consumer is claiming at this instant are skipped on PostgreSQL (``SKIP LOCKED``) and wait for the writer on
    SQLite, which then finds them no longer due.
    """
    candidates = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == MAIL_QUEUED, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    claimed = session.scalars(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(candidates.scalar_subquery()),
            OutboxMessage.status == MAIL_QUEUED,
            OutboxMessage.next_attempt_at <= now,
        )
        .values(next_attempt_at=now + LEASE)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    session.commit()
    if not claimed:
        return []
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(claimed)).order_by(OutboxMessage.id)))


def deliver_due(limit: int = 100, now: datetime | None = None) -> dict[str, int]:
    """Send queued messages whose time has come; failures are retried with back-off. Idempotent.

    * A message is marked sent and committed right after the SMTP server accepts it; only a crash in
      that instant can send it twice (its stable Message-ID lets mail clients fold the copies).
    * When the server cannot be reached, the whole batch waits for the next try (one timeout, not one
      per message); retries back off up to an hour and give up only after three days.
    * A message the server refuses for good (5xx) or that cannot be built is marked failed, so it
      never blocks the messages behind it.
    """
    url = current_app.config["SMTP_URL"]
    sender = current_app.config["MAIL_FROM"]
    now = now or utcnow()
    counts = {"sent": 0, "retry": 0, "failed": 0, "kept": 0}
    with cross_tenant():
        due = _claim_due(now, limit)
        if not url:
            for message in due:
                message.status = MAIL_KEPT
                counts["kept"] += 1
            session.commit()
            return counts
        settings = _smtp_settings(url)
        client = None
        try:
            for index, message in enumerate(due):
                try:
                    email = _to_email(message, sender)
                except (ValueError, TypeError) as error:
                    message.attempts += 1
                    message.status = MAIL_FAILED
                    message.last_error = f"cannot build the message: {error}"[:2000]
                    counts["failed"] += 1
                    session.commit()
                    continue
                try:
                    if client is None:
                        client = _connect(settings)
                    client.send_message(email)
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as error:
                    code = getattr(error, "smtp_code", None) or 0
                    if 500 <= code < 600 or isinstance(error, smtplib.SMTPRecipientsRefused):
                        message.attempts += 1
                        message.status = MAIL_FAILED
                        message.last_error = f"{type(error).__name__}: {error}"[:2000]
                        counts["failed"] += 1
                    else:
                        counts[_postpone(message, f"{type(error).__name__}: {error}", now)] += 1
                except (OSError, smtplib.SMTPException) as error:
                    # The server is unreachable or broke the session: this and the rest wait together.
                    client = None
                    reason = f"{type(error).__name__}: {error}"
                    for waiting in due[index:]:
                        counts[_postpone(waiting, reason, now)] += 1
                    session.commit()
                    break
                else:
                    message.attempts += 1
                    message.status = MAIL_SENT
                    message.sent_at = utcnow()
                    counts["sent"] += 1
                session.commit()
        finally:
            if client is not None:
                with contextlib.suppress(OSError, smtplib.SMTPException):
                    client.quit()
    return counts


def _connect(settings: dict) -> smtplib.SMTP:
    if settings["ssl"]:
        client: smtplib.SMTP = smtplib.SMTP_SSL(settings["host"], settings["port"], timeout=15)
    else:
        client = smtplib.SMTP(settings["host"], settings["port"], timeout=15)
        if settings["starttls"]:
            client.starttls()
    if settings["username"]:
        client.login(settings["username"], settings["password"] or "")
    return client
