"""Readings to and from the company's billing: the export of a month's readings and the import
(:data:`READINGS`) of the billing's, both in one CSV format::

    account;building;flat;kind;serial;zone;period;value
    1000120;L5;12;cold_water;XB-1;1;2026-11;105,5

The import finds the meter by the account's flat and the serial number (``building``, ``flat`` and ``kind`` may be
left out; when given, they must agree). Each value is judged by the same rules as a resident's reading, taken as
confirmed: a rollover is recognised, a fall or a jump goes to the staff review, an expired verification or a value
that is no reading of the meter is a problem of its line. All or nothing; a second import of the same file
changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from core.api import N_, PersonalAccount, session, utcnow
from plugins.housing.common.csvimport import CsvImport, Problem, Row, columns_of, month, whole
from plugins.housing.common.kinds import kind_of
from plugins.housing.common.numbers import decimal_comma
from plugins.housing.models import IMPORT, AccountPremises, Building, Meter, Premises, Reading
from plugins.housing.readings.rules import REFUSED, Window, judge
from plugins.housing.readings.service import facts, write_verdict

COLUMNS = ("account", "building", "flat", "kind", "serial", "zone", "period", "value")
OPTIONAL = ("building", "flat", "kind")
#: The billing's month is given outright: every day of it is inside this window.
WHOLE_MONTH = Window(1, 28)


def export_rows(period: date) -> Iterator[list[str]]:
    """The readings of ``period`` (any day of the month), one row per account of the flat, meter and zone."""
    period = period.replace(day=1)
    rows = session.execute(
        select(
            PersonalAccount.number,
            Building.code,
            Premises.number,
            Meter.kind,
            Meter.serial,
            Reading.zone,
            Reading.value,
        )
        .join(Meter, Meter.id == Reading.meter_id)
        .join(Premises, Premises.id == Meter.premises_id)
        .join(Building, Building.id == Premises.building_id)
        .join(AccountPremises, AccountPremises.premises_id == Premises.id)
        .join(PersonalAccount, PersonalAccount.id == AccountPremises.personal_account_id)
        .where(Reading.period == period)
        .order_by(Building.code, Premises.number, PersonalAccount.number, Meter.kind, Meter.serial, Reading.zone)
    )
    key = f"{period.year:04d}-{period.month:02d}"
    for account, building, flat, kind, serial, zone, value in rows:
        yield [account, building, flat, kind, serial, str(zone), key, decimal_comma(value)]


@dataclass(frozen=True)
class ReadingLine:
    line: int
    account: str
    building: str
    flat: str
    kind: str
    serial: str
    zone: int
    period: date
    value: str


def parse_line(row: Row) -> tuple[ReadingLine | None, list[Problem]]:
    problems = [
        row.problem(N_("%(column)s is empty."), column=name) for name in ("account", "serial", "value") if not row[name]
    ]
    zone = whole(row["zone"], 3)
    if zone is None or zone < 1:
        problems.append(row.problem(N_("zone '%(value)s' is not 1, 2 or 3."), value=row["zone"]))
    period = month(row["period"])
    if period is None:
        problems.append(row.problem(N_("period '%(value)s' is not a month such as 2026-11."), value=row["period"]))
    if problems:
        return None, problems
    values = row.values
    line = ReadingLine(
        row.line,
        row["account"],
        row["building"],
        row["flat"],
        row["kind"],
        row["serial"],
        zone,
        period,
        values["value"],
    )
    return line, []


def check(lines: list[ReadingLine]) -> list[Problem]:
    """The same meter, zone and month twice with different values (a flat's two accounts may repeat a line)."""
    seen: dict[tuple[str, str, int, date], ReadingLine] = {}
    problems = []
    for line in lines:
        first = seen.setdefault((line.account, line.serial, line.zone, line.period), line)
        if first.value != line.value:
            problems.append(
                Problem(
                    line.line, N_("another value for this meter and month is on line %(first)s."), {"first": first.line}
                )
            )
    return problems


def apply(lines: list[ReadingLine]) -> tuple[dict[str, int], list[Problem]]:
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    problems: list[Problem] = []
    moment = utcnow()
    done: set[tuple[int, int, date]] = set()
    for line in sorted(lines, key=lambda line: (line.period, line.line)):
        meter, problem = _meter(line)
        if meter is None:
            problems.append(problem)
            continue
        if (meter.id, line.zone, line.period) in done:
            continue
        done.add((meter.id, line.zone, line.period))
        verdict = judge(line.value, facts(meter, line.zone, line.period), line.period, WHOLE_MONTH, confirmed=True)
        if verdict.outcome == REFUSED:
            problems += [Problem(line.line, message, verdict.params) for message in verdict.messages[:1]]
            continue
        stored = session.scalar(
            select(Reading).where(
                Reading.meter_id == meter.id, Reading.zone == line.zone, Reading.period == line.period
            )
        )
        if stored is not None and stored.value == verdict.value:
            counts["unchanged"] += 1
            continue
        counts["updated" if stored is not None else "added"] += 1
        write_verdict(meter, line.zone, verdict, moment, None, IMPORT)
        session.flush()
    return counts, problems


def _meter(line: ReadingLine) -> tuple[Meter | None, Problem | None]:
    binding = session.scalar(
        select(AccountPremises)
        .join(PersonalAccount, PersonalAccount.id == AccountPremises.personal_account_id)
        .where(PersonalAccount.number == line.account)
    )
    if binding is None:
        return None, Problem(line.line, N_("no flat is bound to account %(account)s."), {"account": line.account})
    flat = binding.premises
    if (line.building and line.building != flat.building.code) or (line.flat and line.flat != flat.number):
        return None, Problem(
            line.line,
            N_("account %(account)s is bound to flat %(flat)s of building %(code)s."),
            {"account": line.account, "flat": flat.number, "code": flat.building.code},
        )
    statement = select(Meter).where(Meter.premises_id == flat.id, Meter.serial == line.serial)
    if line.kind:
        statement = statement.where(Meter.kind == (kind_of(line.kind) or line.kind))
    meters = list(session.scalars(statement))
    if len(meters) != 1:
        return None, Problem(line.line, N_("the flat has no meter %(serial)s."), {"serial": line.serial})
    meter = meters[0]
    if meter.archived_on is not None:
        return None, Problem(line.line, N_("meter %(serial)s is archived."), {"serial": line.serial})
    if line.zone > meter.zones:
        return None, Problem(
            line.line, N_("meter %(serial)s has no tariff %(zone)s."), {"serial": line.serial, "zone": line.zone}
        )
    return meter, None


#: Readings from the company's billing.
READINGS: CsvImport[ReadingLine] = CsvImport(columns_of(COLUMNS), parse_line, apply, check, OPTIONAL)
