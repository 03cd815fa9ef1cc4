"""Public mail service: queue a message in the current transaction; deliver due messages with retries.

Nothing is sent inside a web request: a request only writes the outbox row, so a slow or dead SMTP
server never slows a page, never loses a message, and never tells an attacker whether an account
exists. Delivery is the ``core.mail.deliver`` job (embedded worker, ``abonent jobs run``).
"""

from __future__ import annotations

import contextlib
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from urllib.parse import unquote, urlparse

from flask import current_app, render_template
from flask_babel import force_locale
from jinja2 import TemplateNotFound
from sqlalchemy import select

from core.db import cross_tenant, session, utcnow
from core.mail.models import MAIL_FAILED, MAIL_KEPT, MAIL_QUEUED, MAIL_SENT, OutboxMessage

MAX_ATTEMPTS = 8
RETRY_BASE = timedelta(seconds=30)


def queue_mail(
    to: str, subject: str, template: str, *, kind: str = "", locale: str | None = None, **context
) -> OutboxMessage:
    """Render ``mail/<template>.txt`` (and ``.html`` if it exists) and add the message to the outbox.

    The message is written in the caller's transaction: it leaves only if that commits.
    """
    with force_locale(locale or "ru"):
        body_text = render_template(f"mail/{template}.txt", **context)
        try:
            body_html = render_template(f"mail/{template}.html", **context)
        except TemplateNotFound:  # an HTML part is optional
            body_html = None
        subject_text = str(subject)
    message = OutboxMessage(to=to, subject=subject_text, body_text=body_text, body_html=body_html, kind=kind)
    session.add(message)
    return message


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


def deliver_due(limit: int = 100) -> dict[str, int]:
    """Send queued messages whose time has come; failures are retried with back-off. Idempotent.

    Each message is committed as sent right after the SMTP server accepts it; only a crash in that
    instant can send one message twice (its stable Message-ID lets mail clients fold the copies).
    Returns counts by outcome.
    """
    url = current_app.config["SMTP_URL"]
    sender = current_app.config["MAIL_FROM"]
    counts = {"sent": 0, "retry": 0, "failed": 0, "kept": 0}
    with cross_tenant():
        due = list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.status == MAIL_QUEUED, OutboxMessage.next_attempt_at <= utcnow())
                .order_by(OutboxMessage.id)
                .limit(limit)
            )
        )
        if not url:
            for message in due:
                message.status = MAIL_KEPT
                counts["kept"] += 1
            session.commit()
            return counts
        settings = _smtp_settings(url)
        client = None
        try:
            for message in due:
                try:
                    if client is None:
                        client = _connect(settings)
                    client.send_message(_to_email(message, sender))
                except (OSError, smtplib.SMTPException) as error:
                    client = None
                    message.attempts += 1
                    message.last_error = f"{type(error).__name__}: {error}"[:2000]
                    if message.attempts >= MAX_ATTEMPTS:
                        message.status = MAIL_FAILED
                        counts["failed"] += 1
                    else:
                        message.next_attempt_at = utcnow() + RETRY_BASE * (2 ** (message.attempts - 1))
                        counts["retry"] += 1
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
