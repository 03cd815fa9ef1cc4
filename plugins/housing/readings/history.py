"""A meter's readings as the resident sees them: the latest value of each zone, and the history by period.

Both read a fixed number of statements whatever the number of meters and months (the readings page and the API
list every meter of a flat).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select

from core.api import session
from plugins.housing.models import Meter, Reading


def latest_readings(meters: Sequence[Meter]) -> dict[tuple[int, int], Reading]:
    """(meter id, zone) → the latest reading of that zone, for all ``meters`` in one statement."""
    if not meters:
        return {}
    ids = [meter.id for meter in meters]
    latest = (
        select(Reading.meter_id, Reading.zone, func.max(Reading.period).label("period"))
        .where(Reading.meter_id.in_(ids))
        .group_by(Reading.meter_id, Reading.zone)
        .subquery()
    )
    rows = session.scalars(
        select(Reading).join(
            latest,
            (Reading.meter_id == latest.c.meter_id)
            & (Reading.zone == latest.c.zone)
            & (Reading.period == latest.c.period),
        )
    )
    return {(row.meter_id, row.zone): row for row in rows}


def history(meter: Meter, limit: int = 120) -> list[Reading]:
    """The meter's readings, newest period first (zone 1 first within a period), at most ``limit`` rows."""
    return list(
        session.scalars(
            select(Reading)
            .where(Reading.meter_id == meter.id)
            .order_by(Reading.period.desc(), Reading.zone)
            .limit(limit)
        )
    )


def period_readings(meter: Meter, period: date) -> list[Reading]:
    """The meter's readings of ``period`` (the first day of the month), zone 1 first."""
    return list(
        session.scalars(
            select(Reading).where(Reading.meter_id == meter.id, Reading.period == period).order_by(Reading.zone)
        )
    )
