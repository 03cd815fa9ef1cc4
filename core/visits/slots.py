"""Slots of technician visits: a working day and a time window, holding ``slot_capacity`` visits.

A visit takes its slot from the moment it is scheduled (done and not-done visits keep it: the
technician's time was spent); a cancelled visit frees it. Capacity is enforced by
:func:`lock_slot` + :func:`taken` inside the scheduling transaction, never by the page alone.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, select, text

from core.db import current_tenant_id, session
from core.visits.models import DONE, NOT_DONE, SCHEDULED, VisitRequest
from core.visits.settings import window_hours

OCCUPYING = (SCHEDULED, DONE, NOT_DONE)


def local_now(tenant) -> datetime:
    """Now in the tenant's time zone (tests replace this to freeze the clock)."""
    return tenant.local_time()


def local_today(tenant) -> date:
    """Today's date on ``tenant``'s clock (its time zone), for the visit calendar."""
    return local_now(tenant).date()


@dataclass(frozen=True)
class Slot:
    day: date
    window: str
    taken: int
    capacity: int

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.taken)

    @property
    def available(self) -> bool:
        return self.free > 0

    @property
    def value(self) -> str:
        """The form value of this slot: ``2026-12-01|09-12``."""
        return f"{self.day.isoformat()}|{self.window}"


def bookable_days(settings: dict, today: date) -> list[date]:
    """Working days a subscriber may ask for: from the minimum notice up to the horizon."""
    first = today + timedelta(days=settings["min_notice_days"])
    last = today + timedelta(days=settings["horizon_days"])
    days = []
    day = first
    while day <= last:
        if day.isoweekday() in settings["working_days"]:
            days.append(day)
        day += timedelta(days=1)
    return days


def taken(days: Iterable[date], exclude_visit_id: int | None = None) -> dict[tuple[date, str], int]:
    """How many visits hold each slot on ``days``: ``{(day, window): count}``."""
    days = list(days)
    if not days:
        return {}
    stmt = (
        select(VisitRequest.slot_date, VisitRequest.slot_window, func.count(VisitRequest.id))
        .where(VisitRequest.slot_date.in_(days), VisitRequest.status.in_(OCCUPYING))
        .group_by(VisitRequest.slot_date, VisitRequest.slot_window)
    )
    if exclude_visit_id is not None:
        stmt = stmt.where(VisitRequest.id != exclude_visit_id)
    return {(row[0], row[1]): row[2] for row in session.execute(stmt)}


def grid(settings: dict, today: date) -> list[Slot]:
    """Every slot a subscriber may ask for, with how many visits already hold it."""
    days = bookable_days(settings, today)
    counts = taken(days)
    capacity = settings["slot_capacity"]
    return [Slot(day, window, counts.get((day, window), 0), capacity) for day in days for window in settings["windows"]]


def subscriber_slot_error(settings: dict, today: date, day: date, window: str) -> dict[str, str]:
    """Why a subscriber may not ask for ``(day, window)``: ``{"date" | "window": message}``, empty if allowed."""
    errors: dict[str, str] = {}
    if window not in settings["windows"]:
        errors["window"] = _("Choose one of the time windows: %(windows)s.", windows=", ".join(settings["windows"]))
    if day.isoweekday() not in settings["working_days"]:
        errors["date"] = _("Technicians do not work on this day.")
    elif day < today + timedelta(days=settings["min_notice_days"]):
        if settings["min_notice_days"] <= 1:
            errors["date"] = _("This day can no longer be booked; choose a later one.")
        else:
            errors["date"] = _(
                "Book at least %(days)s days ahead.",
                days=settings["min_notice_days"],
            )
    elif day > today + timedelta(days=settings["horizon_days"]):
        errors["date"] = _("Visits can be booked at most %(days)s days ahead.", days=settings["horizon_days"])
    return errors


def operator_slot_error(settings: dict, today: date, day: date, window: str) -> dict[str, str]:
    """Why an operator may not schedule into ``(day, window)`` (working days and windows; not in the past)."""
    errors: dict[str, str] = {}
    if window not in settings["windows"]:
        errors["slot_window"] = _(
            "Choose one of the time windows: %(windows)s.", windows=", ".join(settings["windows"])
        )
    if day < today:
        errors["slot_date"] = _("This day has passed.")
    elif day.isoweekday() not in settings["working_days"]:
        errors["slot_date"] = _("Technicians do not work on this day.")
    return errors


def window_start(tenant, day: date, window: str) -> datetime:
    """When the window begins, in the tenant's time zone."""
    start, _end = window_hours(window)
    return datetime.combine(day, datetime.min.time(), ZoneInfo(tenant.timezone)).replace(hour=start)


def lock_slot(day: date, window: str) -> None:
    """Serialize everyone scheduling into this slot until the transaction ends.

    PostgreSQL: a transaction-scoped advisory lock per (tenant, day, window). SQLite: writing
    transactions already begin with ``BEGIN IMMEDIATE`` and so run one at a time.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    key = zlib.crc32(f"visit-slot:{day.isoformat()}:{window}".encode()) - 2**31
    session.execute(
        text("SELECT pg_advisory_xact_lock(CAST(:tenant AS integer), CAST(:key AS integer))"),
        {"tenant": current_tenant_id(), "key": key},
    )
