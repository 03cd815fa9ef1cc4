"""Public notification service: tell a user something in the app and/or by e-mail, per their preferences.

Plugins and core call :func:`notify`. The e-mail goes through the outbox (so a dead SMTP server
loses nothing and the request never waits for it); ``dedupe_key`` makes a repeated event notify once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

from flask import current_app
from flask_babel import LazyString, force_locale
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, func, select, update

from core.db import session, utcnow
from core.db.bulk import insert_rows
from core.db.keyset import KeysetPage, keyset_page
from core.db.queries import one_of
from core.identity.models import User
from core.mail.outbox import Letter, queue_mail, queue_mails, render_mails
from core.notify.kinds import NotificationKind
from core.notify.models import Notification, NotificationPreference
from core.tenants.models import Tenant
from core.tenants.urls import absolute_link

_CHUNK = 1000
_NOTE_COLUMNS = ("tenant_id", "user_id", "kind", "title", "body", "link", "dedupe_key", "read_at", "created_at")
#: What a notice's title or body may be: a plain string, or a lazy one translated for its recipient.
Text = str | LazyString


def recipient_locale(user: User | Recipient, tenant: Tenant | None = None) -> str:
    """The language ``user`` reads their notices and mail in: their own choice, else their site's."""
    if user.locale:
        return user.locale
    site = tenant if tenant is not None else session.get(Tenant, user.tenant_id)
    return site.locale if site is not None and site.locale else "ru"


@contextmanager
def recipient_language(user: User | Recipient, tenant: Tenant | None = None) -> Iterator[str]:
    """Inside, ``gettext``, dates and money format for ``user``'s language (see :func:`recipient_locale`).

    For a notice or mail whose words are built from dates or amounts, which a lazy string would format in
    the actor's language::

        with recipient_language(user, tenant):
            title = gettext("Services stop on %(day)s", day=format_date(day, "d MMMM"))
        notify(user, "my_kind", title, tenant=tenant)
    """
    locale = recipient_locale(user, tenant)
    with force_locale(locale):
        yield locale


def in_language(text: Text, locale: str) -> str:
    """``text`` as the recipient reads it: a lazy string (``lazy_gettext``) is translated into ``locale``;
    a plain string is kept as written."""
    if isinstance(text, str):
        return text
    with force_locale(locale):
        return str(text)


def kinds() -> dict[str, NotificationKind]:
    """Every registered notification kind (core's and the plugins')."""
    return current_app.extensions["abonent.notification_kinds"]


def wants(user: User, kind: str) -> tuple[bool, bool]:
    """(in app, by e-mail) for ``user`` and ``kind``: their choice, else the kind's default."""
    spec = kinds()[kind]
    pref = session.scalar(
        select(NotificationPreference).where(
            NotificationPreference.user_id == user.id, NotificationPreference.kind == kind
        )
    )
    if pref is None:
        return spec.in_app_default, spec.email_default
    return pref.in_app, pref.email


def notify(
    user: User,
    kind: str,
    title: Text,
    body: Text = "",
    link: str = "",
    *,
    dedupe_key: str | None = None,
    tenant=None,
) -> Notification | None:
    """Notify ``user`` of ``kind`` (in the caller's transaction). Returns the in-app notice, if any.

    ``link`` is a path inside the site (``site_path(endpoint, …)``) or an http(s) URL; the e-mail
    carries it on the tenant's configured address (``core.tenants.urls``), never the request's host.
    With ``dedupe_key`` a second call for the same user and key does nothing (no second e-mail).

    ``title`` and ``body`` reach the user in *their* language when given as lazy strings
    (``flask_babel.lazy_gettext("Batch %(uin)s accepted", uin=…)``): they are translated for the
    recipient (their own language, else their site's), not for whoever caused the event. Plain strings
    are stored as written.
    """
    if kind not in kinds():
        raise KeyError(f"unknown notification kind {kind!r}; register it with register_notification_kinds")
    if dedupe_key is not None:
        existing = session.scalar(
            select(Notification).where(Notification.user_id == user.id, Notification.dedupe_key == dedupe_key)
        )
        if existing is not None:
            return existing
    in_app, by_email = wants(user, kind)
    return _store(user, kind, title, body, link, dedupe_key, tenant, in_app, by_email)


def _store(
    user: User,
    kind: str,
    title: Text,
    body: Text,
    link: str,
    dedupe_key: str | None,
    tenant,
    in_app: bool,
    by_email: bool,
) -> Notification | None:
    notice = None
    site = tenant if tenant is not None else session.get(Tenant, user.tenant_id)
    locale = recipient_locale(user, site)
    title, body = in_language(title, locale), in_language(body, locale)
    if in_app or dedupe_key is not None:
        # With in-app off a read notice is still kept when deduplicating: it remembers the event.
        notice = Notification(
            user_id=user.id,
            kind=kind,
            title=title[:200],
            body=body,
            link=link,
            dedupe_key=dedupe_key,
            read_at=None if in_app else utcnow(),
        )
        session.add(notice)
    if by_email and user.email:
        queue_mail(
            user.email,
            title,
            "notification",
            kind=f"notify:{kind}",
            locale=locale,
            tenant=site,
            name=user.display_name,
            title=title,
            body=body,
            link=absolute_link(site, link) if link else "",  # the tenant's own address, never the request's
        )
    return notice


def notify_many(
    users: Iterable[User],
    kind: str,
    title: Text,
    body: Text = "",
    link: str = "",
    *,
    dedupe_key: str,
    tenant=None,
) -> int:
    """:func:`notify` for many users at once (a news item's audience): a few queries per 500 users.

    ``link`` is a path inside the site (``site_path``) or an http(s) URL; the e-mail gets it as an
    absolute address of the tenant's site. Users already notified under ``dedupe_key`` are skipped.
    Returns how many users were notified now.
    """
    spec = kinds().get(kind)
    if spec is None:
        raise KeyError(f"unknown notification kind {kind!r}; register it with register_notification_kinds")
    users = list(users)
    done = 0
    for start in range(0, len(users), _CHUNK):
        chunk = users[start : start + _CHUNK]
        ids = [u.id for u in chunk]
        already = set(
            session.scalars(
                select(Notification.user_id).where(Notification.user_id.in_(ids), Notification.dedupe_key == dedupe_key)
            )
        )
        prefs = {
            pref.user_id: pref
            for pref in session.scalars(
                select(NotificationPreference).where(
                    NotificationPreference.user_id.in_(ids), NotificationPreference.kind == kind
                )
            )
        }
        for user in chunk:
            if user.id in already:
                continue
            pref = prefs.get(user.id)
            in_app, by_email = (pref.in_app, pref.email) if pref else (spec.in_app_default, spec.email_default)
            _store(user, kind, title, body, link, dedupe_key, tenant, in_app, by_email)
            done += 1
        session.flush()
    return done


class Recipient(NamedTuple):
    """What :func:`notify_each` needs of a user, read with the rest of a bulk query instead of a ``User`` object
    (a registry import's thousands of payment notices)."""

    id: int
    tenant_id: int
    email: str | None
    locale: str | None
    display_name: str


@dataclass(frozen=True)
class Notice:
    """One notification for :func:`notify_each`: what :func:`notify` takes, as a value.

    ``user`` is a ``User`` or a :class:`Recipient` (its id, tenant, e-mail, language and name are used).
    """

    user: User | Recipient
    kind: str
    title: Text
    body: Text = ""
    link: str = ""
    dedupe_key: str | None = None


def notify_each(notices: Sequence[Notice], *, tenant=None) -> int:
    """:func:`notify` for many notices, each with its own user and text, with a few queries per 1000 notices.

    For events that reach many users at once with different words (a registry import's payments,
    services restored for many contracts): the dedupe keys and the users' preferences are read per
    chunk, not per notice. A notice whose user already has its ``dedupe_key`` is skipped, as is a
    second notice with the same user and key in ``notices``. The rows are inserted without an object per
    notice (the caller's session does not hold them), and the e-mails of one language are rendered at once
    (:func:`core.mail.outbox.render_mails`). Returns how many users were notified now.
    """
    registered = kinds()
    for unknown in {notice.kind for notice in notices} - set(registered):
        raise KeyError(f"unknown notification kind {unknown!r}; register it with register_notification_kinds")
    done = 0
    for start in range(0, len(notices), _CHUNK):
        chunk = notices[start : start + _CHUNK]
        ids = sorted({notice.user.id for notice in chunk})
        keys = sorted({notice.dedupe_key for notice in chunk if notice.dedupe_key is not None})
        seen: set[tuple[int, str]] = set()
        if keys:
            found = session.execute(
                select(Notification.user_id, Notification.dedupe_key).where(
                    one_of(Notification.user_id, ids), Notification.dedupe_key.in_(keys)
                )
            )
            seen = {(user_id, key) for user_id, key in found}
        prefs = {
            (user_id, kind): (in_app, email)
            for user_id, kind, in_app, email in session.execute(
                select(
                    NotificationPreference.user_id,
                    NotificationPreference.kind,
                    NotificationPreference.in_app,
                    NotificationPreference.email,
                ).where(
                    one_of(NotificationPreference.user_id, ids),
                    NotificationPreference.kind.in_(sorted({notice.kind for notice in chunk})),
                )
            )
        }
        now = utcnow()
        notes: list[tuple] = []
        letters: dict[tuple[int, str | None, str], list[Letter]] = {}  # by tenant, language and kind
        for notice in chunk:
            user, kind = notice.user, notice.kind
            if notice.dedupe_key is not None:
                if (user.id, notice.dedupe_key) in seen:
                    continue
                seen.add((user.id, notice.dedupe_key))
            spec = registered[kind]
            in_app, by_email = prefs.get((user.id, kind), (spec.in_app_default, spec.email_default))
            site = _site(tenant, user.tenant_id)
            locale = recipient_locale(user, site)
            title, body = in_language(notice.title, locale), in_language(notice.body, locale)
            if in_app or notice.dedupe_key is not None:  # as in notify: a read notice remembers the event
                notes.append(
                    (
                        user.tenant_id,
                        user.id,
                        kind,
                        title[:200],
                        body,
                        notice.link,
                        notice.dedupe_key,
                        None if in_app else now,
                        now,
                    )
                )
            if by_email and user.email:
                fields = {
                    "name": user.display_name,
                    "title": title,
                    "body": body,
                    "link": absolute_link(site, notice.link) if notice.link else "",
                }
                letters.setdefault((user.tenant_id, locale, kind), []).append(Letter(user.email, title, fields))
            done += 1
        session.flush()
        insert_rows(Notification.__table__, _NOTE_COLUMNS, notes)
        for (tenant_id, locale, kind), group in letters.items():
            rendered = render_mails(
                "notification", group, kind=f"notify:{kind}", locale=locale, tenant=_site(tenant, tenant_id)
            )
            queue_mails(tenant_id, rendered)
    return done


def _site(tenant: Tenant | None, tenant_id: int) -> Tenant | None:
    """The tenant whose name and hotline sign an e-mail: the one given, else the user's (from the session's map)."""
    return tenant if tenant is not None else session.get(Tenant, tenant_id)


def preferences(user: User) -> list[tuple[NotificationKind, bool, bool]]:
    """Every kind with the user's (in app, by e-mail) choice, defaults filled in, in registration order."""
    stored = {
        pref.kind: pref
        for pref in session.scalars(select(NotificationPreference).where(NotificationPreference.user_id == user.id))
    }
    rows = []
    for code, spec in kinds().items():
        pref = stored.get(code)
        rows.append((spec, pref.in_app if pref else spec.in_app_default, pref.email if pref else spec.email_default))
    return rows


def _visible_query(user: User, *, unread_only: bool = False) -> Select:
    """The user's notices without the kinds they turned off in the app (no order).

    (``notify`` keeps a read notice for a deduplicated event even when the user chose no in-app
    notices; the centre does not show those.)
    """
    hidden = [spec.code for spec, in_app, _email in preferences(user) if not in_app]
    stmt = select(Notification).where(Notification.user_id == user.id)
    if hidden:
        stmt = stmt.where(Notification.kind.not_in(hidden))
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return stmt


def visible(user: User, limit: int = 50, offset: int = 0, *, unread_only: bool = False) -> list[Notification]:
    """The user's notices for the notification centre, newest first, without kinds they turned off in the app."""
    stmt = _visible_query(user, unread_only=unread_only)
    return list(session.scalars(stmt.order_by(Notification.id.desc()).limit(limit).offset(offset)))


def visible_page(
    user: User, *, after: str | None = None, before: str | None = None, size: int = 50
) -> KeysetPage[Notification]:
    """One keyset page of the notification centre (newest first) and how many notices it holds in all.

    However many notices a user has collected, a page reads ``size`` of them (see :mod:`core.db.keyset`).
    """
    page = keyset_page(
        _visible_query(user), (Notification.id.desc(),), lambda row: (row[0].id,), size=size, after=after, before=before
    )
    return page.map(lambda row: row[0])


def find(user: User, notification_id: int) -> Notification | None:
    """The user's own notice with this id (another user's or tenant's is not found)."""
    return session.scalar(
        select(Notification).where(Notification.id == notification_id, Notification.user_id == user.id)
    )


def unread_count_query(user: User | ColumnElement[int]) -> Select:
    """``SELECT count(*)`` of ``user``'s unread notices (for a page that reads it with something else); a user, or
    an expression for the user's id (a ``bindparam`` in a statement built once)."""
    user_id = user.id if isinstance(user, User) else user
    return select(func.count(Notification.id)).where(Notification.user_id == user_id, Notification.read_at.is_(None))


def unread_count(user: User) -> int:
    """How many of ``user``'s notices are unread."""
    return session.scalar(unread_count_query(user)) or 0


def recent(user: User, limit: int = 50) -> list[Notification]:
    return list(
        session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc()).limit(limit)
        )
    )


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one (or, with ``None``, every) unread notification of ``user`` as read."""
    stmt = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    return session.execute(stmt.values(read_at=utcnow()).execution_options(synchronize_session=False)).rowcount or 0


def set_preference(user: User, kind: str, in_app: bool, email: bool) -> None:
    """Store the user's choice for ``kind``."""
    if kind not in kinds():
        raise KeyError(kind)
    pref = session.scalar(
        select(NotificationPreference).where(
            NotificationPreference.user_id == user.id, NotificationPreference.kind == kind
        )
    )
    if pref is None:
        pref = NotificationPreference(user_id=user.id, kind=kind)
        session.add(pref)
    pref.in_app, pref.email = in_app, email


def kind_title(kind: str) -> str:
    spec = kinds().get(kind)
    return _(spec.title) if spec is not None else kind
