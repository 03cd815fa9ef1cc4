"""Submitting meter readings: judge each zone's value by the rules, then write what is accepted.

A meter with several zones (day/night electricity) is submitted as a whole: if any zone is refused or must be
confirmed, nothing is written, so a resident never ends up with half a reading. A correction inside the window
replaces the period's value (latest wins). The caller commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from core.api import N_, session, utcnow
from plugins.housing.models import ACCEPTED, RESIDENT, REVIEW, AccountPremises, Accrual, Meter, Reading
from plugins.housing.readings.rules import (
    CONFIRM,
    REFUSED,
    MeterFacts,
    Verdict,
    Window,
    judge,
    period_for,
    use_since,
)

#: How many past months of use the rules look at.
HISTORY_MONTHS = 6
#: The reading window when neither the building nor the tenant sets one.
DEFAULT_WINDOW = Window()
#: The note of a reading whose use was judged again because a value before it changed.
RESTATED = N_("The use was recalculated: an earlier reading changed.")


@dataclass(frozen=True)
class Submission:
    """What happened to a meter's values: the verdict of each zone, and whether anything was written."""

    verdicts: Mapping[int, Verdict]
    written: bool

    @property
    def needs_confirmation(self) -> bool:
        return any(verdict.outcome == CONFIRM for verdict in self.verdicts.values())

    @property
    def refused(self) -> bool:
        return any(verdict.outcome == REFUSED for verdict in self.verdicts.values())


def window_of(meter: Meter, default: Window) -> Window:
    """The reading window of the meter's building, or the tenant's."""
    building = meter.premises.building
    if building.reading_opens and building.reading_closes:
        return Window(building.reading_opens, building.reading_closes)
    return default


def facts(meter: Meter, zone: int, period: date) -> MeterFacts:
    """What the rules need: the last value before ``period`` and the monthly uses before it."""
    earlier = list(
        session.scalars(
            select(Reading)
            .where(Reading.meter_id == meter.id, Reading.zone == zone, Reading.period < period)
            .order_by(Reading.period.desc())
            .limit(HISTORY_MONTHS)
        )
    )
    previous = earlier[0].value if earlier else meter.initial(zone)
    uses = [reading.use for reading in reversed(earlier) if reading.use is not None]
    return MeterFacts(meter.digits, meter.next_verification, previous, uses)


def submit(
    meter: Meter,
    values: Mapping[int, str],
    day: date,
    *,
    user_id: int | None,
    source: str = RESIDENT,
    window: Window = DEFAULT_WINDOW,
    anomaly_factor: Decimal = Decimal(3),
    confirmed: bool = False,
    now: datetime | None = None,
) -> Submission:
    """Judge ``values`` (zone → typed text) for ``meter`` sent on ``day``; write them if every zone is accepted."""
    if meter.archived_on is not None:
        raise ValueError("the meter is archived")
    if set(values) != set(range(1, meter.zones + 1)):
        raise ValueError(f"a value is needed for each of the meter's {meter.zones} zone(s)")
    own_window = window_of(meter, window)
    verdicts: dict[int, Verdict] = {}
    period = period_for(day, own_window)
    for zone, text in sorted(values.items()):
        verdicts[zone] = judge(text, facts(meter, zone, period), day, own_window, anomaly_factor, confirmed=confirmed)
    if any(verdict.outcome in (REFUSED, CONFIRM) for verdict in verdicts.values()):
        return Submission(verdicts, written=False)
    moment = now or utcnow()
    for zone, verdict in verdicts.items():
        write_verdict(meter, zone, verdict, moment, user_id, source)
    session.flush()
    return Submission(verdicts, written=True)


def write_verdict(
    meter: Meter, zone: int, verdict: Verdict, moment: datetime, user_id: int | None, source: str
) -> None:
    """Write an accepted ``verdict`` as the period's value of ``zone`` (replacing an earlier one: latest wins).

    A value written into a month before the zone's latest reading (the billing's import of a past month, a
    correction) changes the use of the reading after it: that use and its rollover are judged again here, in the
    same transaction. A month that was billed already is marked ``revised`` so the next billing run recalculates it.
    """
    row = session.scalar(
        select(Reading).where(Reading.meter_id == meter.id, Reading.zone == zone, Reading.period == verdict.period)
    )
    if row is None:
        row = Reading(meter_id=meter.id, zone=zone, period=verdict.period)
        session.add(row)
    changed = row.value != verdict.value or row.use != verdict.use
    row.value, row.use, row.rollover = verdict.value, verdict.use, verdict.rollover
    row.status = REVIEW if verdict.review else ACCEPTED
    row.source, row.submitted_by, row.submitted_at = source, user_id, moment
    row.note = "; ".join(verdict.messages)
    if changed and not row.revised:
        row.revised = billed(meter, verdict.period)
    session.flush()
    restate_next(meter, zone, verdict.period)


def restate_next(meter: Meter, zone: int, after: date | None) -> Reading | None:
    """Judge again the use of the zone's first reading after ``after`` (after the initial value when ``None``):
    its value stays, its use and rollover follow the value before it now. A fall no rollover explains goes to the
    staff review; a billed month is marked ``revised``. Returns the reading when its use changed."""
    statement = select(Reading).where(Reading.meter_id == meter.id, Reading.zone == zone)
    if after is not None:
        statement = statement.where(Reading.period > after)
    later = session.scalar(statement.order_by(Reading.period).limit(1))
    if later is None:
        return None
    known = facts(meter, zone, later.period)
    use, rollover, fall = (None, False, False) if known.previous is None else use_since(later.value, known)
    if use == later.use and rollover == later.rollover:
        return None
    later.use, later.rollover = use, rollover
    if fall:
        later.status = REVIEW
    later.note = "; ".join(filter(None, (later.note, RESTATED)))
    if not later.revised:
        later.revised = billed(meter, later.period)
    session.flush()
    return later


def billed(meter: Meter, period: date) -> bool:
    """Whether a billing run has accrued ``period`` for the meter's flat already."""
    found = session.scalar(
        select(Accrual.id)
        .join(AccountPremises, AccountPremises.personal_account_id == Accrual.personal_account_id)
        .where(AccountPremises.premises_id == meter.premises_id, Accrual.period == period)
        .limit(1)
    )
    return found is not None
