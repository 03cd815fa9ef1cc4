"""Connection requests from the public site: "tell us your address, we check whether a cable can be run".

A visitor who is not a subscriber yet leaves a name, a phone and an address; the request lands in
the operators' support queue as its own category (``connection``), and an operator calls back.

The visitor has no user account, while a ticket needs an author: requests are authored by one
blocked per-tenant system user (:data:`SITE_LOGIN`, never able to log in), and the visitor's details
are the ticket's first message. Abuse is kept down by CSRF (every POST), a honeypot field that
people never fill, and a per-IP limit (:data:`POLICY`, the same shared counters as logins).
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from flask_babel import gettext, lazy_gettext
from marshmallow import Schema, ValidationError, fields, validate, validates
from sqlalchemy import select

from core.db import current_tenant_id, session
from core.identity import throttle
from core.identity.models import USER_BLOCKED, User
from core.identity.passwords import hash_password
from core.support.models import Ticket
from core.support.service import open_ticket

CATEGORY = "connection"
SOURCE = "public:connection"
SITE_LOGIN = "system:site-requests"  # no login policy accepts a colon: nobody can sign up as it
SCOPE = "connect-ip"
#: Five requests from one address, then a wait of 10 minutes, doubling up to a day; forgotten after a day.
POLICY = throttle.Backoff(5, timedelta(minutes=10), timedelta(hours=24), timedelta(hours=24))
_PHONE_DIGITS = re.compile(r"\d")
_PHONE_CHARS = re.compile(r"^[0-9+()\- ]{5,30}$")


class ConnectionRequestForm(Schema):
    """The public form. ``website`` is the honeypot: hidden from people, filled by bots."""

    name = fields.String(
        required=True,
        validate=validate.Length(min=2, max=200, error=lazy_gettext("Write your name (2 to 200 characters).")),
    )
    phone = fields.String(required=True)
    address = fields.String(
        required=True,
        validate=validate.Length(
            min=5, max=300, error=lazy_gettext("Write the full address: town, street, house, flat.")
        ),
    )
    comment = fields.String(load_default="", validate=validate.Length(max=2000))
    website = fields.String(load_default="")

    @validates("phone")
    def _phone(self, value: str, **_kw) -> None:
        digits = len(_PHONE_DIGITS.findall(value))
        if not _PHONE_CHARS.fullmatch(value.strip()) or not 10 <= digits <= 12:
            raise ValidationError(lazy_gettext("Write a phone number we can call, e.g. +7 351 255-57-24."))


def _site_user() -> User:
    """The tenant's blocked system user that authors connection requests (created on first use)."""
    user = session.scalar(select(User).where(User.login == SITE_LOGIN))
    if user is None:
        user = User(
            login=SITE_LOGIN,
            full_name=gettext("Request from the website"),
            password_hash=hash_password(secrets.token_urlsafe(32)),
            status=USER_BLOCKED,
        )
        session.add(user)
        session.flush()
    return user


def wait_minutes(ip: str) -> int:
    """Minutes this address must wait before sending another request (0: it may send now)."""
    key = throttle.key(SCOPE, current_tenant_id(), ip or "-")
    until = throttle.waiting_until(throttle.counters([key], POLICY.memory).get(key))
    return throttle.minutes_left(until) if until is not None else 0


def submit(name: str, phone: str, address: str, comment: str, ip: str) -> Ticket:
    """Open a ``connection`` ticket in the operators' queue and count it against ``ip`` (the caller commits)."""
    throttle.register(throttle.key(SCOPE, current_tenant_id(), ip or "-"), POLICY)
    name, address = " ".join(name.split()), " ".join(address.split())
    lines = [
        f"{gettext('Name')}: {name}",
        f"{gettext('Phone')}: {phone.strip()}",
        f"{gettext('Address')}: {address}",
    ]
    if comment.strip():
        lines += ["", comment.strip()]
    subject = gettext("Connection: %(address)s", address=address)[:200]
    return open_ticket(_site_user(), CATEGORY, subject, "\n".join(lines), source=SOURCE)


def count_only(ip: str) -> None:
    """A honeypot hit: count it against ``ip`` like a request, write nothing else."""
    throttle.register(throttle.key(SCOPE, current_tenant_id(), ip or "-"), POLICY)
