"""Building (common) meters' volumes of a month from a CSV file (:data:`BUILDING_READINGS`): all or nothing, every
bad line named::

    building;kind;period;volume
    L5;heat;2026-12;120,5

The volume is what the building's meter counted in the month (Gcal of heat, say); a ``shared_by_area`` service of
the same meter kind charges each flat of the building its area's share of it. A month given again replaces its
volume, unless that month's shares are billed already (the line is refused and says so). A second import of the
same file changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from core.api import N_, session
from plugins.housing.common.csvimport import CsvImport, Problem, Row, any_decimal, columns_of, month
from plugins.housing.common.kinds import KIND_LABELS, kind_of
from plugins.housing.models import (
    IMPORT,
    SHARED_BY_AREA,
    AccountPremises,
    Accrual,
    Building,
    BuildingReading,
    Premises,
)

COLUMNS = ("building", "kind", "period", "volume")


@dataclass(frozen=True)
class BuildingLine:
    line: int
    building: str
    kind: str
    period: date
    volume: Decimal


def parse_line(row: Row) -> tuple[BuildingLine | None, list[Problem]]:
    problems = [row.problem(N_("%(column)s is empty."), column="building")] if not row["building"] else []
    kind = kind_of(row["kind"])
    if kind is None:
        problems.append(
            row.column_problem(
                "kind",
                N_("Choose the kind of meter (one of %(kinds)s)."),
                {"kinds": ", ".join(str(label).lower() for label in KIND_LABELS.values())},
            )
        )
    period = month(row["period"])
    if period is None:
        problems.append(row.problem(N_("period '%(value)s' is not a month such as 2026-11."), value=row["period"]))
    volume = any_decimal(row["volume"])
    if volume is None or volume < 0 or volume >= Decimal(10) ** 11 or volume != volume.quantize(Decimal("0.001")):
        problems.append(row.column_problem("volume", N_("Enter the volume as a number, for example 120,5."), {}))
    if problems:
        return None, problems
    return BuildingLine(row.line, row["building"], kind, period, volume), []


def check(lines: list[BuildingLine]) -> list[Problem]:
    """The same building, kind and month twice in the file."""
    seen: dict[tuple[str, str, date], int] = {}
    problems = []
    for line in lines:
        first = seen.setdefault((line.building, line.kind, line.period), line.line)
        if first != line.line:
            problems.append(
                Problem(line.line, N_("this building meter and month are on line %(first)s already."), {"first": first})
            )
    return problems


def apply(lines: list[BuildingLine]) -> tuple[dict[str, int], list[Problem]]:
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    problems: list[Problem] = []
    buildings = {b.code: b.id for b in session.scalars(select(Building))}
    for line in lines:
        building_id = buildings.get(line.building)
        if building_id is None:
            problems.append(Problem(line.line, N_("no building %(code)s."), {"code": line.building}))
            continue
        stored = session.scalar(
            select(BuildingReading).where(
                BuildingReading.building_id == building_id,
                BuildingReading.kind == line.kind,
                BuildingReading.period == line.period,
            )
        )
        if stored is not None and stored.volume == line.volume:
            counts["unchanged"] += 1
            continue
        if stored is not None and shares_billed(building_id, line.period):
            problems.append(
                Problem(
                    line.line,
                    N_("the building's shares of %(month)s are billed already: its volume cannot change."),
                    {"month": f"{line.period:%m.%Y}"},
                )
            )
            continue
        if stored is None:
            stored = BuildingReading(building_id=building_id, kind=line.kind, period=line.period, source=IMPORT)
            session.add(stored)
            counts["added"] += 1
        else:
            counts["updated"] += 1
        stored.volume = line.volume
    session.flush()
    return counts, problems


def shares_billed(building_id: int, period: date) -> bool:
    """Whether a billing run has charged the building's flats their shares of ``period`` already."""
    found = session.scalar(
        select(Accrual.id)
        .join(AccountPremises, AccountPremises.personal_account_id == Accrual.personal_account_id)
        .join(Premises, Premises.id == AccountPremises.premises_id)
        .where(Premises.building_id == building_id, Accrual.period == period, Accrual.method == SHARED_BY_AREA)
        .limit(1)
    )
    return found is not None


#: Building meters' volumes of a month.
BUILDING_READINGS: CsvImport[BuildingLine] = CsvImport(columns_of(COLUMNS), parse_line, apply, check)
