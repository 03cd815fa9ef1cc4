"""The operator's import of meters from a CSV file (:data:`METERS`): all or nothing, every bad line named.

One line per meter, the flat named by its building's code and its number (both imported with the stock)::

    building;flat;kind;serial;zones;digits;installed_on;next_verification;initial_1;initial_2;initial_3
    L5;12;cold_water;XB-1;1;5;2024-01-15;2030-01-15;100,5;;
    L5;12;electricity;E-7;2;6;15.01.2024;15.01.2040;1200;800;

Kinds: ``cold_water``, ``hot_water``, ``electricity``, ``gas``, ``heat``; the columns after ``serial`` may be left
out (one tariff, five digits). A meter already stored (same flat, kind and serial) takes the line's data; a second
import of the same file changes nothing. An archived meter is not changed by an import, nor are the number of tariffs
and the digits of a meter with readings (a replaced meter is archived and the new one added).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from core.api import N_, session
from plugins.housing.common.csvimport import CsvImport, Problem, Row, columns_of
from plugins.housing.meters.service import FIELDS, MeterData, check_meter, kept_fields, save_meter
from plugins.housing.models import Building, Meter, Premises

COLUMNS = ("building", "flat", *FIELDS)
OPTIONAL = ("zones", "digits", "installed_on", "next_verification", "initial_1", "initial_2", "initial_3")


@dataclass(frozen=True)
class MeterLine:
    line: int
    building: str
    flat: str
    data: MeterData


def parse_line(row: Row) -> tuple[MeterLine | None, list[Problem]]:
    problems = [row.problem(N_("%(column)s is empty."), column=name) for name in ("building", "flat") if not row[name]]
    data, wrong = check_meter(row.values)
    problems += [row.column_problem(found.field, found.message, found.params) for found in wrong]
    if problems:
        return None, problems
    return MeterLine(row.line, row["building"], row["flat"], data), []


def check(lines: list[MeterLine]) -> list[Problem]:
    """The same meter twice in the file."""
    seen: dict[tuple[str, str, str, str], int] = {}
    problems = []
    for line in lines:
        key = (line.building, line.flat, line.data.kind, line.data.serial)
        first = seen.setdefault(key, line.line)
        if first != line.line:
            problems.append(
                Problem(
                    line.line,
                    N_("meter %(serial)s is on line %(first)s already."),
                    {"serial": line.data.serial, "first": first},
                )
            )
    return problems


def apply(lines: list[MeterLine]) -> tuple[dict[str, int], list[Problem]]:
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    problems: list[Problem] = []
    buildings = {b.code: b.id for b in session.scalars(select(Building))}
    for line in lines:
        building_id = buildings.get(line.building)
        flat = (
            session.scalar(select(Premises).where(Premises.building_id == building_id, Premises.number == line.flat))
            if building_id is not None
            else None
        )
        if flat is None:
            problems.append(
                Problem(
                    line.line, N_("no flat %(flat)s in building %(code)s."), {"flat": line.flat, "code": line.building}
                )
            )
            continue
        meter = session.scalar(
            select(Meter).where(
                Meter.premises_id == flat.id, Meter.kind == line.data.kind, Meter.serial == line.data.serial
            )
        )
        if meter is not None and line.data.matches(meter):
            counts["unchanged"] += 1
        elif meter is not None and meter.archived_on is not None:
            problems.append(Problem(line.line, N_("meter %(serial)s is archived."), {"serial": line.data.serial}))
        elif kept := kept_fields(meter, line.data):
            problems += [Problem(line.line, found.message, found.params, found.field) for found in kept]
        else:
            counts["updated" if meter is not None else "added"] += 1
            save_meter(flat, line.data, meter)
    return counts, problems


#: Meters from a CSV file.
METERS: CsvImport[MeterLine] = CsvImport(columns_of(COLUMNS), parse_line, apply, check, OPTIONAL)
