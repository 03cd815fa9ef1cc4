"""Recalculations in the billing run: months billed already whose readings changed since.

A value written into a month that was billed (the billing's import of a past month, a reading by phone for an
earlier month, a correction), or a reading whose use changed because a value before it did, is marked ``revised``
(:mod:`plugins.housing.readings.service`). The run of a later month reads the marks of its chunk of flats (one
statement, on an index; none at all when the chunk has nothing left to accrue) and, for each marked month and
metered service of that meter kind, charges the difference:

* **now**: the month's use as the run would bill it today — the use of its readings, less the estimates (average
  or norm) billed for the months between the reading before it and this one (a true-up's share);
* **billed**: the volume its line charged (by the meter, the estimate, or the true-up's difference), plus the
  recalculations of that month posted before;
* the difference priced at that month's tariffs, posted in the month being billed under ``<code>:<YYYY-MM>``
  (method ``recalculation``, split between the flat's accounts like any charge).

A mark is cleared once its month is settled (recalculated now, or nothing to recalculate). A month recalculated
already in this billing month keeps its mark for the next one (a line per service, month and billing month).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from sqlalchemy import func, select, update

from core.api import current_tenant_id, session
from plugins.housing.accruals.methods import AVERAGE, NORM, Charge, Dated, recalculation
from plugins.housing.models import METERED, Accrual, Meter, Reading

ESTIMATES = (AVERAGE, NORM)


@dataclass(frozen=True)
class Recalculated:
    """A month to recalculate for a flat and service: the charge, and the service code its lines are posted as."""

    flat_id: int
    service: str  # the service's own code
    month: date
    charge: Charge

    @property
    def code(self) -> str:
        """``cold_water:2026-11``: the lines' service (one line per account, service, month and billing month)."""
        return recalculated_code(self.service, self.month)


def recalculated_code(service: str, month: date) -> str:
    """The service code of a recalculation of ``month``."""
    return f"{service}:{month:%Y-%m}"


class Service(Protocol):
    """What a recalculation needs of a service (the billing run's)."""

    code: str
    method: str
    meter_kind: str | None
    tariffs: list[Dated]


def recalculate(
    flats: dict[int, tuple[int, ...]],
    bounds: tuple[int, int],
    services: Iterable[Service],
    period: date,
    done: set[tuple[int, str]],
) -> list[Recalculated]:
    """The recalculations of the chunk's flats (flat id → its personal account ids) whose readings of months before
    ``period`` are marked; ``done`` holds the (account, service) lines already posted for ``period``. Clears the
    marks it settles. Two more statements when some flat of the chunk has marks (and one update)."""
    marks = _marks(bounds, period)
    if not marks:
        return []
    metered = [service for service in services if service.method == METERED]
    kinds = {service.meter_kind for service in metered}
    marked_flats = sorted({flat for flat, kind, _month in marks if flat in flats and kind in kinds})
    uses = _uses(marked_flats, kinds, period)
    billed = _billed({account: flat for flat in marked_flats for account in flats[flat]}, period)
    found: list[Recalculated] = []
    settled: list[int] = []
    for (flat, kind, month), reading_ids in sorted(marks.items()):
        if flat not in flats:
            continue
        waiting = False
        for service in (s for s in metered if s.meter_kind == kind):
            code = recalculated_code(service.code, month)
            if any((account, code) in done for account in flats[flat]):
                waiting = True  # recalculated in this billing month already: the next one takes it
                continue
            charge = _charge(uses.get((flat, kind), {}), billed.get((flat, service.code), {}), service, month)
            if charge is not None:
                found.append(Recalculated(flat, service.code, month, charge))
        if not waiting:
            settled += reading_ids
    if settled:
        tenant = current_tenant_id()
        session.connection().execute(
            update(Reading).where(Reading.tenant_id == tenant, Reading.id.in_(settled)).values(revised=False)
        )
    return found


def _marks(bounds: tuple[int, int], period: date) -> dict[tuple[int, str, date], list[int]]:
    """(flat id, meter kind, month) → the marked readings of the chunk's flats in months before ``period``."""
    low, high = bounds
    tenant = current_tenant_id()
    rows = session.connection().execute(
        select(Reading.id, Meter.premises_id, Meter.kind, Reading.period)
        .join(Meter, (Meter.tenant_id == tenant) & (Meter.id == Reading.meter_id))
        .where(
            Reading.tenant_id == tenant,
            Reading.revised.is_(True),
            Reading.period < period,
            Meter.premises_id > low,
            Meter.premises_id <= high,
        )
    )
    marks: dict[tuple[int, str, date], list[int]] = defaultdict(list)
    for reading_id, flat, kind, month in rows:
        marks[(flat, kind, month)].append(reading_id)
    return marks


def _uses(flats: list[int], kinds: set[str | None], period: date) -> dict[tuple[int, str], dict[date, Decimal]]:
    """(flat id, kind) → {month → the use of all its meters' zones}, the months before ``period`` whose every
    reading has a use (a first reading without an initial value has none)."""
    if not flats:
        return {}
    tenant = current_tenant_id()
    rows = session.connection().execute(
        select(
            Meter.premises_id, Meter.kind, Reading.period, func.sum(Reading.use), func.count(), func.count(Reading.use)
        )
        .join(Meter, (Meter.tenant_id == tenant) & (Meter.id == Reading.meter_id))
        .where(
            Reading.tenant_id == tenant,
            Meter.premises_id.in_(flats),
            Meter.kind.in_(sorted(kinds)),
            Reading.period < period,
        )
        .group_by(Meter.premises_id, Meter.kind, Reading.period)
    )
    found: dict[tuple[int, str], dict[date, Decimal]] = defaultdict(dict)
    for flat, kind, month, use, readings, with_use in rows:
        if readings == with_use:
            found[(flat, kind)][month] = Decimal(use)
    return found


def _billed(accounts: dict[int, int], period: date) -> dict[tuple[int, str], dict]:
    """(flat id, service code) → {"lines": {month: (method, volume)}, "recalculated": {month: volume}} from the
    accrual lines of the flats' accounts before ``period`` (a flat's volume is on each of its accounts' lines:
    counted once)."""
    if not accounts:
        return {}
    tenant = current_tenant_id()
    rows = session.connection().execute(
        select(Accrual.personal_account_id, Accrual.service, Accrual.period, Accrual.method, Accrual.trace).where(
            Accrual.tenant_id == tenant,
            Accrual.personal_account_id.in_(sorted(accounts)),
            Accrual.period < period,
        )
    )
    found: dict[tuple[int, str], dict] = defaultdict(lambda: {"lines": {}, "recalculated": {}, "seen": set()})
    for account, service, month, method, trace in rows:
        code, _sep, recalculated = service.partition(":")
        entry = found[(accounts[account], code)]
        if (service, month) in entry["seen"]:
            continue
        entry["seen"].add((service, month))
        volume = Decimal((trace or {}).get("volume", "0"))
        if recalculated:
            target = date.fromisoformat(f"{recalculated}-01")
            entry["recalculated"][target] = entry["recalculated"].get(target, Decimal(0)) + volume
        else:
            entry["lines"][month] = (method, volume)
    return found


def _charge(uses: dict[date, Decimal], billed: dict, service: Service, month: date) -> Charge | None:
    """The recalculation of ``month``, or ``None`` when there is nothing to recalculate."""
    lines: dict[date, tuple[str, Decimal]] = billed.get("lines", {})
    if month not in uses or month not in lines:
        return None  # not billed, or no use to bill by
    before = max((m for m in uses if m < month), default=None)
    estimates = Decimal(0)
    for earlier in sorted((m for m in lines if m < month and (before is None or m > before)), reverse=True):
        method, volume = lines[earlier]
        if method not in ESTIMATES:
            break  # billed by a reading: the estimates this reading makes up for end here
        estimates += volume
    actual = uses[month] - estimates
    charged = lines[month][1] + billed.get("recalculated", {}).get(month, Decimal(0))
    if actual == charged:
        return None
    return recalculation(actual, charged, service.tariffs, month)
