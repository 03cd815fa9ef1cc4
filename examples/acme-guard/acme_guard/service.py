"""acme_guard's rules: the only module that changes its rows (views, API, CLI and jobs call it)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.api import N_, Refusal, Refused, User, audit, get_settings, notify, session, site_path

from acme_guard.models import AcmeGuardItem

NAME = "acme_guard"
ADDED = f"{NAME}.added"  # the notification kind
ADDED_TITLE = N_("New item")
MAX_TITLE = 200


def items(limit: int | None = None) -> list[AcmeGuardItem]:
    """The current tenant's items, newest first."""
    stmt = select(AcmeGuardItem).order_by(AcmeGuardItem.id.desc())
    if limit:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def find(title: str) -> AcmeGuardItem | None:
    """The current tenant's item called ``title``, or ``None``."""
    return session.scalar(select(AcmeGuardItem).where(AcmeGuardItem.title == title.strip()))


def add_item(title: str, note: str = "") -> AcmeGuardItem:
    """Add an item for the current tenant; raises ``Refused`` when the title is taken or the limit reached."""
    title = title.strip()
    if find(title) is not None:
        raise Refused([Refusal("taken", _l("There is already an item with this title."))])
    if (session.scalar(select(func.count()).select_from(AcmeGuardItem)) or 0) >= get_settings(NAME).max_items:
        raise Refused([Refusal("too_many", _l("No more items can be added."))])
    item = AcmeGuardItem(title=title, note=note.strip())
    session.add(item)
    session.flush()
    audit(f"{NAME}.add", "acme_guard_item", item.id, None, {"title": item.title})
    return item


def announce(item: AcmeGuardItem, user: User) -> None:
    """Tell ``user`` about ``item`` (once: the dedupe key makes a second call do nothing)."""
    notify(user, ADDED, item.title, item.note, site_path(f"{NAME}.index"), dedupe_key=f"{ADDED}:{item.id}")


def tidy() -> int:
    """Trim stray spaces from notes; returns how many changed (a second run changes nothing)."""
    changed = 0
    for item in session.scalars(select(AcmeGuardItem)):
        if item.note != item.note.strip():
            item.note = item.note.strip()
            changed += 1
    return changed
