"""Public news service: who sees which item, read markers, the important banner, publishing and notifying.

An item is *live* from ``published_at`` (a future date schedules it) until ``expires_at`` (if any).
Logged-in readers see live items meant for them: everyone's, or an audience a plugin offers
(:mod:`core.news.audiences`) that includes them; staff who manage news see every live item. Public
items (for everyone, no audience) are also in the Atom feed and on their public page.

Subscribers are notified (kind ``news``) once an item is live: at once, by a background task the operator's
"publish" starts (its progress on a page), and for scheduled items by the ``core.news.notify`` job. The
notice's ``dedupe_key`` makes that happen once per user and item however often either runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from flask import current_app, g
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, bindparam, exists, func, literal, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from core.access.models import Role, RoleAssignment
from core.access.service import _role_permissions, has_permission
from core.audit.service import record as audit
from core.db import session, tenant_scope, utcnow
from core.db.keyset import KeysetPage, keyset_page
from core.db.tenancy import built_once
from core.identity.models import USER_ACTIVE, User
from core.jobs.background import Progress
from core.news.audiences import Membership, belongs, offered_audiences
from core.news.models import NewsItem, NewsRead
from core.notify.models import Notification
from core.notify.service import notify_many, unread_count_query
from core.plugins.state import enabled_plugins
from core.tenants.current import current_tenant
from core.tenants.models import TENANT_ACTIVE, Tenant
from core.tenants.urls import site_path

READ = "news.read"
MANAGE = "news.manage"
NOTIFY_KIND = "news"
ANNOUNCE_ACTION = "news.announce"  # the background action that notifies a published item's readers
# The job looks this far back for items to announce (a worker that was down catches up within it).
NOTIFY_CATCH_UP = timedelta(days=2)
LIST_LIMIT = 100
BANNER_LIMIT = 3


class NewsError(ValueError):
    """An item was refused; ``field`` names the form field at fault."""

    def __init__(self, field: str, message) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


def clean_title(title: str) -> str:
    """One line, no control characters (titles become e-mail subjects), at most 200 characters."""
    printable = "".join(ch if ch.isprintable() else " " for ch in title)
    return " ".join(printable.split())[:200]


def dedupe_key(item: NewsItem) -> str:
    return f"news:{item.id}"


def _live(now: datetime):
    return and_(NewsItem.published_at <= now, or_(NewsItem.expires_at.is_(None), NewsItem.expires_at > now))


def is_live(item: NewsItem, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return item.published_at <= now and (item.expires_at is None or item.expires_at > now)


def is_feed_item(item: NewsItem) -> bool:
    """Public news: for anyone, logged in or not, and for no particular audience."""
    return item.public and not item.audience


def _tenant() -> Tenant:
    return g.tenant


def may_see(user: User | None, item: NewsItem, now: datetime | None = None) -> bool:
    """Whether ``user`` (``None``: a visitor) may read ``item`` now."""
    if not is_live(item, now):
        return False
    if user is None:
        return is_feed_item(item)
    if not has_permission(user, READ):
        return False
    if has_permission(user, MANAGE):
        return True
    return belongs(user, item.audience or {}, offered_audiences(_tenant()))


@dataclass(frozen=True)
class Entry:
    """An item as a reader sees it in a list."""

    item: NewsItem
    read: bool


def _for_reader(user: User, rows, limit: int) -> list[Entry]:
    staff = has_permission(user, MANAGE)
    membership = Membership(user, lambda: offered_audiences(_tenant()))
    entries = []
    for item, read_id in rows:
        if staff or membership.includes(item.audience or {}):
            entries.append(Entry(item, read_id is not None))
            if len(entries) >= limit:
                break
    return entries


def news_for(user: User, limit: int = LIST_LIMIT, offset: int = 0) -> list[Entry]:
    """Live items ``user`` may read, newest first, each with whether they have read it."""
    now = utcnow()
    stmt = (
        select(NewsItem, NewsRead.id)
        .outerjoin(NewsRead, and_(NewsRead.news_id == NewsItem.id, NewsRead.user_id == user.id))
        .where(_live(now))
        .order_by(NewsItem.published_at.desc(), NewsItem.id.desc())
        .limit(4 * (limit + offset))  # audience filters run in Python; read some spare rows
    )
    return _for_reader(user, session.execute(stmt).all(), limit + offset)[offset:]


def visible_item(user: User, news_id: int) -> NewsItem | None:
    """The live item ``news_id`` if ``user`` may read it (else ``None``: answer 404)."""
    item = session.scalar(select(NewsItem).where(NewsItem.id == news_id))
    return item if item is not None and may_see(user, item) else None


def has_read(user: User, item: NewsItem) -> bool:
    return (
        session.scalar(select(NewsRead.id).where(NewsRead.user_id == user.id, NewsRead.news_id == item.id)) is not None
    )


@cache
def _banner_statement() -> Select:
    """Every page's banner and unread count (built once: see ``built_once``)."""
    user_id, now = bindparam("user_id"), bindparam("now")
    unread = ~exists().where(NewsRead.news_id == NewsItem.id, NewsRead.user_id == user_id)
    one_row = select(literal(1).label("one")).subquery("one_row")
    return built_once(
        select(unread_count_query(user_id).scalar_subquery(), NewsItem)
        .select_from(one_row)
        .outerjoin(NewsItem, and_(NewsItem.important.is_(True), _live(now), unread))
        .order_by(NewsItem.published_at.desc(), NewsItem.id.desc())
        .limit(4 * BANNER_LIMIT)
    )


def banner_and_unread_notices(user: User) -> tuple[list[NewsItem], int]:
    """Important live items ``user`` has not read or dismissed (for the banner), and how many notices ``user``
    has unread: one statement (plus plugins' audience answers).

    Every page's layout shows both; the count rides along as a scalar subquery on a one-row table the
    candidate items are outer-joined to, so it comes back even when there is no banner.
    """
    found = session.execute(_banner_statement(), {"user_id": user.id, "now": utcnow()}).all()
    rows = [(item, None) for _count, item in found if item is not None]
    notices = found[0][0] if found else 0
    return [entry.item for entry in _for_reader(user, rows, BANNER_LIMIT)], notices or 0


def mark_read(user: User, item: NewsItem) -> None:
    """Remember that ``user`` read (or dismissed) ``item``; a second time changes nothing.

    One ``INSERT … ON CONFLICT DO NOTHING``, so two tabs marking the same item cannot collide. In
    a GET request, commit the reading transaction first (SQLite cannot upgrade a stale snapshot).
    """
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = (
        insert(NewsRead)
        .values(tenant_id=item.tenant_id, user_id=user.id, news_id=item.id, read_at=utcnow())
        .on_conflict_do_nothing(index_elements=["tenant_id", "user_id", "news_id"])
    )
    session.execute(stmt)


def feed_items(limit: int = 50) -> list[NewsItem]:
    """Public live items for the Atom feed, newest first."""
    stmt = (
        select(NewsItem)
        .where(NewsItem.public.is_(True), _live(utcnow()))
        .order_by(NewsItem.published_at.desc(), NewsItem.id.desc())
        .limit(4 * limit)
    )
    return [item for item in session.scalars(stmt) if is_feed_item(item)][:limit]


def public_item(news_id: int) -> NewsItem | None:
    item = session.scalar(select(NewsItem).where(NewsItem.id == news_id))
    return item if item is not None and is_feed_item(item) and is_live(item) else None


# -- the operator's side ---------------------------------------------------------------------------


def items_page(*, after: str | None = None, before: str | None = None, size: int = 50) -> KeysetPage[NewsItem]:
    """One keyset page of the tenant's items (scheduled, live, expired), newest publication first, with how many
    there are (two statements)."""
    page = keyset_page(
        select(NewsItem),
        (NewsItem.published_at.desc(), NewsItem.id.desc()),
        lambda row: (row[0].published_at, row[0].id),
        size=size,
        after=after,
        before=before,
    )
    return page.map(lambda row: row[0])


def get_item(news_id: int) -> NewsItem | None:
    return session.scalar(select(NewsItem).where(NewsItem.id == news_id))


def _snapshot(item: NewsItem) -> dict[str, Any]:
    return {
        "title": item.title,
        "published_at": item.published_at.isoformat() if item.published_at else None,
        "expires_at": item.expires_at.isoformat() if item.expires_at else None,
        "important": item.important,
        "public": item.public,
        "audience": item.audience or {},
    }


def save_item(
    item: NewsItem | None,
    *,
    title: str,
    body: str,
    published_at: datetime | None,
    expires_at: datetime | None,
    important: bool,
    public: bool,
    audience: dict[str, Any] | None,
    author: User | None = None,
) -> NewsItem:
    """Create (``item=None``) or change an item, audited. ``published_at=None`` publishes now.

    An item for an audience is never public (the feed and public pages are for everyone).
    """
    title = clean_title(title)
    body = body.strip()
    if not title:
        raise NewsError("title", _l("Enter a title."))
    if not body:
        raise NewsError("body", _l("Enter the text of the news."))
    audience = dict(audience or {})
    unchanged = item is not None and audience == (item.audience or {})
    if audience and not unchanged:
        offered = offered_audiences(_tenant())
        spec = offered.get(audience.get("filter", ""))
        if spec is None or str(audience.get("value")) not in {str(v) for v, _label in spec.choices}:
            raise NewsError("audience", _l("Choose an audience from the list."))
        audience = {"filter": spec.key, "value": str(audience["value"])}
    if audience:
        public = False
    published_at = published_at or (item.published_at if item is not None else None) or utcnow()
    if expires_at is not None and expires_at <= published_at:
        raise NewsError("expires_at", _l("The news must expire after it is published."))
    before = _snapshot(item) if item is not None else None
    if item is None:
        item = NewsItem(author_id=author.id if author is not None else None)
        session.add(item)
    item.title, item.body = title, body
    item.published_at, item.expires_at = published_at, expires_at
    item.important, item.public, item.audience = important, public, audience
    session.flush()
    audit("news.create" if before is None else "news.update", "news", item.id, before, _snapshot(item))
    return item


def delete_item(item: NewsItem) -> None:
    audit("news.delete", "news", item.id, _snapshot(item), None)
    session.delete(item)


# -- announcing live items -------------------------------------------------------------------------


def _reader_role_ids(tenant: Tenant) -> tuple[set[int], set[int]]:
    enabled = enabled_plugins(tenant)
    readers, managers = set(), set()
    for role in session.scalars(select(Role)):
        granted = _role_permissions(role, enabled, tenant)
        if READ in granted:
            readers.add(role.id)
        if MANAGE in granted:
            managers.add(role.id)
    return readers, managers


def _audience_checked(item: NewsItem) -> set[int]:
    """Users already found outside ``item``'s audience by this app (so a plugin is asked once per user)."""
    cache = current_app.extensions.setdefault("abonent.news_outsiders", {})
    key = (item.tenant_id, item.id, item.created_at.isoformat(), json.dumps(item.audience or {}, sort_keys=True))
    return cache.setdefault(key, set())


def _members(tenant: Tenant, item: NewsItem, candidates: list[User]) -> list[User]:
    if not item.audience:
        return candidates
    outsiders = _audience_checked(item)
    offered = offered_audiences(tenant)
    members = []
    for user in candidates:
        if user.id in outsiders:
            continue
        if belongs(user, item.audience, offered):
            members.append(user)
        else:
            outsiders.add(user.id)
    return members


def _notify_chunk(tenant: Tenant, item: NewsItem, users: list[User]) -> int:
    """Notify ``users`` under a savepoint; when a concurrent run told some of them first, try once more."""
    for attempt in (1, 2):
        try:
            with session.begin_nested():
                return notify_many(
                    users,
                    NOTIFY_KIND,
                    item.title,
                    item.body,
                    site_path("news.item", news_id=item.id),
                    dedupe_key=dedupe_key(item),
                    tenant=tenant,
                )
        except IntegrityError:
            if attempt == 2:
                raise
    return 0


def announce(tenant: Tenant, item: NewsItem, progress: Progress | None = None, chunk_size: int = 1000) -> int:
    """Notify the item's audience who have not been told yet (subscribers: staff managing news are not).

    Idempotent: each user's notice carries ``news:<id>`` as its dedupe key. Goes through the readers
    ``chunk_size`` at a time; with ``progress`` (a background task), each chunk is committed and reported.
    Returns how many users were notified now.
    """
    readers, managers = _reader_role_ids(tenant)
    if not readers:
        return 0
    key = dedupe_key(item)
    holders = select(RoleAssignment.user_id).where(
        RoleAssignment.role_id.in_(readers), RoleAssignment.organization_id.is_(None)
    )
    staff = select(RoleAssignment.user_id).where(RoleAssignment.role_id.in_(managers or {-1}))
    told = exists().where(Notification.user_id == User.id, Notification.dedupe_key == key)
    untold = (User.status == USER_ACTIVE, User.id.in_(holders), User.id.not_in(staff), ~told)
    total = session.scalar(select(func.count()).select_from(User).where(*untold)) if progress else None
    notified = seen = after = 0
    while True:
        candidates = list(
            session.scalars(select(User).where(*untold, User.id > after).order_by(User.id).limit(chunk_size))
        )
        if not candidates:
            return notified
        after, seen = candidates[-1].id, seen + len(candidates)
        members = _members(tenant, item, candidates)
        if members:
            notified += _notify_chunk(tenant, item, members)
        if progress is not None:
            progress.advance(seen, max(total or 0, seen))


def announce_task(params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """The background action: announce a news item the operator has just published."""
    item = get_item(int(params["news_id"]))
    if item is None or not is_live(item):
        return {"notified": 0}
    return {"notified": announce(current_tenant(), item, progress)}


def describe_announcement(figures: dict[str, Any]) -> str:
    return gettext("Readers notified: %(count)s.", count=figures.get("notified", 0))


def announce_due(now: datetime) -> dict[str, int]:
    """The ``core.news.notify`` job: announce items that went live recently, in every active tenant."""
    counts = {"items": 0, "notified": 0}
    tenants = list(session.scalars(select(Tenant).where(Tenant.status == TENANT_ACTIVE).order_by(Tenant.id)))
    seen = set()
    for tenant in tenants:
        with tenant_scope(tenant.id):
            try:
                items = list(
                    session.scalars(select(NewsItem).where(_live(now), NewsItem.published_at > now - NOTIFY_CATCH_UP))
                )
                for item in items:
                    seen.add((item.tenant_id, item.id))
                    counts["items"] += 1
                    counts["notified"] += announce(tenant, item)
                session.commit()
            except Exception:
                session.rollback()
                current_app.logger.exception("announcing news failed for tenant %s", tenant.slug)
    cache = current_app.extensions.get("abonent.news_outsiders", {})
    for key in [k for k in cache if (k[0], k[1]) not in seen]:
        del cache[key]
    return counts
