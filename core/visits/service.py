"""Public visits service: request, schedule, finish, cancel and rate technician visits.

Every change runs in the caller's transaction (the caller commits). Refusals raise
:class:`VisitError` (field → messages, nothing changed) or :class:`VisitStateError` (the visit is
not in a state that allows it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from core.access.models import Role, RoleAssignment
from core.access.service import has_permission
from core.accounts.service import user_may_use
from core.audit.service import record as audit
from core.db import session, utcnow
from core.db.tenancy import built_once
from core.files.access import register_owner
from core.files.models import StoredFile
from core.files.storage import MAX_BYTES, Upload, UploadRejected, check_upload, store
from core.identity.models import USER_ACTIVE, User
from core.notify.service import notify, recipient_language
from core.tenants.urls import site_path
from core.visits import slots
from core.visits.models import CANCELLED, DONE, NOT_DONE, REQUESTED, SCHEDULED, VisitRequest
from core.visits.settings import visit_settings

OWNER_TYPE = "visit"
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
MAX_PHOTOS = 3
MAX_PREFERRED = 6
MAX_DESCRIPTION = 2000
MAX_ADDRESS = 400
MAX_COMMENT = 500
STATUSES = (REQUESTED, SCHEDULED, DONE, NOT_DONE, CANCELLED)
SUBSCRIBER_ROLE = "subscriber"
ORDERED_SERVICE = "ordered_service"
"""The reason of a visit a plugin books for a service the subscriber ordered (never offered on the form)."""


class VisitError(ValueError):
    """Input refused; ``errors`` maps field names to lists of messages (nested for ``preferred``)."""

    def __init__(self, errors: dict) -> None:
        super().__init__(f"visit refused: {errors}")
        self.errors = errors


class VisitStateError(ValueError):
    """The visit is not in a state that allows this (already cancelled, not done yet …)."""


@dataclass(frozen=True)
class PhotoFile:
    """An uploaded file as received, before its content is checked."""

    filename: str
    data: bytes


# --- reading -------------------------------------------------------------------------------------


def reasons(settings: dict | None = None) -> dict[str, str]:
    """Reason code → title, in the tenant's order."""
    settings = settings or visit_settings()
    return {r["code"]: r["title"] for r in settings["reasons"]}


def reason_titles(settings: dict | None = None) -> dict[str, str]:
    """Every reason a visit may show: the tenant's reasons and the one of visits booked for an ordered service."""
    return {**reasons(settings), ORDERED_SERVICE: _("Ordered service")}


def is_staff(user: User | None) -> bool:
    return has_permission(user, "visits.manage")


def visible_visit(user: User, visit_id: int) -> VisitRequest | None:
    """The visit if ``user`` wrote it or manages visits; ``None`` otherwise (views answer 404)."""
    visit = session.scalar(select(VisitRequest).where(VisitRequest.id == visit_id))
    if visit is None or (visit.author_id != user.id and not is_staff(user)):
        return None
    return visit


def own_visit(user: User, visit_id: int) -> VisitRequest | None:
    """The visit if ``user`` wrote it (cancelling and rating are the author's)."""
    return session.scalar(select(VisitRequest).where(VisitRequest.id == visit_id, VisitRequest.author_id == user.id))


def visits_of(user: User) -> list[VisitRequest]:
    return list(
        session.scalars(select(VisitRequest).where(VisitRequest.author_id == user.id).order_by(VisitRequest.id.desc()))
    )


def search(status: str | None = None, day: date | None = None, limit: int = 200) -> list[VisitRequest]:
    """Requests for operators: optionally of one status and/or in the slots of one day."""
    stmt = select(VisitRequest).order_by(VisitRequest.id.desc()).limit(limit)
    if status:
        stmt = stmt.where(VisitRequest.status == status)
    if day is not None:
        stmt = stmt.where(VisitRequest.slot_date == day)
    return list(session.scalars(stmt))


def photos(visit: VisitRequest) -> list[StoredFile]:
    return list(
        session.scalars(
            select(StoredFile)
            .where(StoredFile.owner_type == OWNER_TYPE, StoredFile.owner_id == visit.id)
            .order_by(StoredFile.id)
        )
    )


def staff_users() -> list[User]:
    """Who can be sent as a technician: active users holding any role other than subscriber."""
    staff_ids = (
        select(RoleAssignment.user_id).join(Role, Role.id == RoleAssignment.role_id).where(Role.code != SUBSCRIBER_ROLE)
    )
    users = session.scalars(select(User).where(User.status == USER_ACTIVE, User.id.in_(staff_ids)))
    return sorted(users, key=lambda u: (u.display_name.casefold(), u.id))


def people(visits: Sequence[VisitRequest]) -> dict[int, User]:
    """Authors and technicians of ``visits`` by id (one query)."""
    ids = {v.author_id for v in visits} | {v.technician_id for v in visits if v.technician_id}
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}


def can_cancel(tenant, visit: VisitRequest, user: User) -> bool:
    """Whether ``user`` may cancel ``visit`` now: the author, before the visit's window begins."""
    if visit.author_id != user.id or visit.status not in (REQUESTED, SCHEDULED):
        return False
    if visit.status == SCHEDULED:
        return slots.local_now(tenant) < slots.window_start(tenant, visit.slot_date, visit.slot_window)
    return True


def can_rate(visit: VisitRequest, user: User) -> bool:
    return visit.author_id == user.id and visit.status == DONE and visit.rating is None


def may_see_photos(user: User, visit_id: int) -> bool:
    return user is not None and visible_visit(user, visit_id) is not None


register_owner(OWNER_TYPE, may_see_photos)


# --- checks --------------------------------------------------------------------------------------


def check_photos(files: Sequence[PhotoFile]) -> tuple[list[Upload], list[str]]:
    """Images judged by their content; returns the checked uploads and the messages for refused ones."""
    checked, problems = [], []
    if len(files) > MAX_PHOTOS:
        problems.append(_("Attach at most %(count)s photos.", count=MAX_PHOTOS))
        return [], problems
    for photo in files:
        if len(photo.data) > MAX_BYTES:
            problems.append(
                _("“%(name)s” is larger than %(size)s MB.", name=photo.filename, size=MAX_BYTES // (1024 * 1024))
            )
            continue
        try:
            checked.append(check_upload(photo.filename, photo.data, IMAGE_TYPES))
        except UploadRejected:
            problems.append(
                _("“%(name)s” is not a photo: attach JPEG, PNG, GIF or WebP images.", name=photo.filename or "?")
            )
    return checked, problems


def check_preferred(settings: dict, today: date, preferred: Sequence[tuple[date, str]]) -> dict:
    """Errors of the preferred slots by position (``{0: {"date": [...]}}``), empty when all are fine."""
    errors: dict = {}
    counts = slots.taken({day for day, _w in preferred})
    for index, (day, window) in enumerate(preferred):
        problem = slots.subscriber_slot_error(settings, today, day, window)
        if not problem and counts.get((day, window), 0) >= settings["slot_capacity"]:
            problem = {"window": _("This time is fully booked; choose another one.")}
        if problem:
            errors[index] = {field: [message] for field, message in problem.items()}
    return errors


def _locked(visit: VisitRequest) -> VisitRequest:
    """The visit re-read with a row lock (PostgreSQL), so two changes of one visit do not cross."""
    return session.scalar(
        select(VisitRequest)
        .where(VisitRequest.id == visit.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


# --- changes -------------------------------------------------------------------------------------


def request_visit(
    tenant,
    user: User,
    *,
    reason: str,
    preferred: Sequence[tuple[date, str]],
    account_id: int | None = None,
    address: str = "",
    description: str = "",
    photo_files: Sequence[PhotoFile] = (),
    ordered_service: bool = False,
) -> VisitRequest:
    """A subscriber asks for a technician. Everything is checked before anything is stored.

    ``ordered_service=True`` books the visit for a service the subscriber ordered (a plugin's paid
    installation): the reason is :data:`ORDERED_SERVICE` and ``description`` says what was ordered.
    """
    if ordered_service:
        reason = ORDERED_SERVICE
    settings = visit_settings()
    today = slots.local_today(tenant)
    errors: dict = {}
    account = None
    if account_id is not None:
        account = user_may_use(user, account_id)
        if account is None:
            errors["account_id"] = [_("Choose one of your personal accounts.")]
    address = (address or "").strip()
    if account is not None and not address:
        address = account.address.strip()
    if not address and "account_id" not in errors:
        errors["address"] = [_("Enter the address where the technician should come.")]
    elif len(address) > MAX_ADDRESS:
        errors["address"] = [_("The address is too long.")]
    if reason not in reasons(settings) and not ordered_service:
        errors["reason"] = [_("Choose a reason.")]
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = [_("At most %(count)s characters.", count=MAX_DESCRIPTION)]
    unique: list[tuple[date, str]] = []
    for pair in preferred:
        if pair not in unique:
            unique.append(pair)
    if not unique:
        errors["preferred"] = [_("Choose at least one day and time that suit you.")]
    elif len(unique) > MAX_PREFERRED:
        errors["preferred"] = [_("Choose at most %(count)s times.", count=MAX_PREFERRED)]
    else:
        slot_errors = check_preferred(settings, today, unique)
        if slot_errors:
            errors["preferred"] = slot_errors
    uploads, problems = check_photos(photo_files)
    if problems:
        errors["photos"] = problems
    if errors:
        raise VisitError(errors)

    visit = VisitRequest(
        author_id=user.id,
        personal_account_id=account.id if account is not None else None,
        address=address,
        reason=reason,
        description=description,
        preferred=[{"date": day.isoformat(), "window": window} for day, window in sorted(unique)],
        status=REQUESTED,
    )
    session.add(visit)
    session.flush()
    for upload in uploads:
        store(upload, OWNER_TYPE, visit.id, user.id)
    audit("visit.request", "visit", visit.id, None, {"reason": reason, "address": address, "photos": len(uploads)})
    return visit


def cancel(tenant, visit: VisitRequest) -> VisitRequest:
    """The author cancels before the visit; a scheduled visit frees its slot."""
    visit = _locked(visit)
    if visit.status not in (REQUESTED, SCHEDULED):
        raise VisitStateError(_("This visit can no longer be cancelled."))
    if not can_cancel(tenant, visit, session.get(User, visit.author_id)):
        raise VisitStateError(_("The visit has already begun; please call us to cancel it."))
    before = visit.status
    visit.status = CANCELLED
    visit.cancelled_at = utcnow()
    audit("visit.cancel", "visit", visit.id, {"status": before}, {"status": CANCELLED})
    return visit


def schedule(tenant, visit: VisitRequest, day: date | None, window: str, technician_id: int | None) -> VisitRequest:
    """An operator puts the visit into a slot with a technician; a full slot is refused.

    Safe under concurrency: the slot is locked and counted inside this transaction.
    """
    settings = visit_settings()
    errors: dict = {}
    if day is None:
        errors["slot_date"] = [_("Choose a date.")]
    else:
        problem = slots.operator_slot_error(settings, slots.local_today(tenant), day, window)
        errors.update({field: [message] for field, message in problem.items()})
    if day is None and window not in settings["windows"]:
        errors["slot_window"] = [_("Choose a time window.")]
    technician = None
    if technician_id is not None:
        technician = next((u for u in staff_users() if u.id == technician_id), None)
    if technician is None:
        errors["technician_id"] = [_("Choose a technician.")]
    if errors:
        raise VisitError(errors)

    visit = _locked(visit)
    if visit.status not in (REQUESTED, SCHEDULED):
        raise VisitStateError(_("Only a requested or scheduled visit can be scheduled."))
    slots.lock_slot(day, window)
    holding = slots.taken([day], exclude_visit_id=visit.id).get((day, window), 0)
    if holding >= settings["slot_capacity"]:
        raise VisitError(
            {
                "slot_window": [
                    _(
                        "This slot is full (%(count)s of %(capacity)s visits); choose another date or window.",
                        count=holding,
                        capacity=settings["slot_capacity"],
                    )
                ]
            }
        )
    before = {"status": visit.status, "slot": _slot_text(visit.slot_date, visit.slot_window)}
    visit.status = SCHEDULED
    visit.slot_date, visit.slot_window = day, window
    visit.technician_id = technician.id
    visit.scheduled_at = utcnow()
    audit(
        "visit.schedule",
        "visit",
        visit.id,
        before,
        {"status": SCHEDULED, "slot": _slot_text(day, window), "technician": technician.login},
    )
    _tell_author(tenant, visit, technician)
    return visit


def finish(visit: VisitRequest, done: bool, comment: str = "") -> VisitRequest:
    """An operator records the outcome; "not done" needs a comment."""
    comment = (comment or "").strip()
    if not done and not comment:
        raise VisitError({"result_comment": [_("Say why the visit did not take place.")]})
    if len(comment) > MAX_DESCRIPTION:
        raise VisitError({"result_comment": [_("At most %(count)s characters.", count=MAX_DESCRIPTION)]})
    visit = _locked(visit)
    if visit.status != SCHEDULED:
        raise VisitStateError(_("Only a scheduled visit can be marked done or not done."))
    visit.status = DONE if done else NOT_DONE
    visit.result_comment = comment
    visit.finished_at = utcnow()
    audit("visit.finish", "visit", visit.id, {"status": SCHEDULED}, {"status": visit.status, "comment": comment})
    return visit


def rate(visit: VisitRequest, rating: int | None, comment: str = "") -> VisitRequest:
    """The author rates a done visit, once."""
    comment = (comment or "").strip()
    errors: dict = {}
    if rating is None or not 1 <= rating <= 5:
        errors["rating"] = [_("Rate from 1 to 5.")]
    if len(comment) > MAX_COMMENT:
        errors["rating_comment"] = [_("At most %(count)s characters.", count=MAX_COMMENT)]
    if errors:
        raise VisitError(errors)
    visit = _locked(visit)
    if visit.status != DONE:
        raise VisitStateError(_("Only a completed visit can be rated."))
    if visit.rating is not None:
        raise VisitStateError(_("You have already rated this visit."))
    visit.rating = rating
    visit.rating_comment = comment
    return visit


def _slot_text(day: date | None, window: str | None) -> str | None:
    return f"{day.isoformat()} {window}" if day is not None else None


def _tell_author(tenant, visit: VisitRequest, technician: User) -> None:
    author = session.get(User, visit.author_id)
    if author is None:
        return
    link = site_path("visits.detail", visit_id=visit.id)
    with recipient_language(author, tenant):
        title = _(
            "Technician visit: %(date)s, %(window)s",
            date=format_date(visit.slot_date, "medium"),
            window=visit.slot_window,
        )
        body = _("Technician: %(name)s. Address: %(address)s.", name=technician.display_name, address=visit.address)
    notify(
        author,
        "visit_scheduled",
        title,
        body,
        link,
        dedupe_key=f"visit:{visit.id}:{visit.slot_date.isoformat()}:{visit.slot_window}:{technician.id}",
        tenant=tenant,
    )


_SCHEDULED = built_once(  # the dashboard asks it
    select(VisitRequest)
    .where(
        VisitRequest.author_id == bindparam("user_id"),
        VisitRequest.status == SCHEDULED,
        VisitRequest.slot_date >= bindparam("today"),
    )
    .order_by(VisitRequest.slot_date, VisitRequest.slot_window)
)


def scheduled_visits(user: User, today: date) -> list[VisitRequest]:
    """``user``'s technician visits scheduled for ``today`` or later, soonest first."""
    return list(session.scalars(_SCHEDULED, {"user_id": user.id, "today": today}))
