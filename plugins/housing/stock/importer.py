"""The operator's import of the housing stock from a CSV file: all or nothing, every bad line named.

One line per personal account (a flat with two accounts is on two lines)::

    building;address;building_area;flat;flat_area;residents;account;holder
    L5;ул. Ленина, 5;6000,0;12;54,3;3;1000120;Иванов Иван Иванович

A semicolon or a comma separates fields; decimals take a comma or a point. A second import of the same file
changes nothing; a line that contradicts the file or what is stored (another area for the same flat, an account
already bound to another flat) is a problem, and with any problem nothing is written.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from core.api import AccountError, find_account, open_account, session
from plugins.housing.models import AccountPremises, Building, Premises

COLUMNS = ("building", "address", "building_area", "flat", "flat_area", "residents", "account", "holder")


@dataclass(frozen=True)
class Problem:
    """What is wrong with one line (1-based, the header is line 1)."""

    line: int
    reason: str


@dataclass(frozen=True)
class StockLine:
    line: int
    building: str
    address: str
    building_area: Decimal
    flat: str
    flat_area: Decimal
    residents: int
    account: str
    holder: str


@dataclass(frozen=True)
class Imported:
    """What an import added (zero everywhere for a repeated file)."""

    buildings: int
    flats: int
    accounts: int


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() and value > 0 else None


def parse(text: str) -> tuple[list[StockLine], list[Problem]]:
    """Read the file's lines; any problem is reported with its line number."""
    sample = text[:4096]
    delimiter = ";" if sample.count(";") >= sample.count(",") - sample.count('"') else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    lines: list[StockLine] = []
    problems: list[Problem] = []
    header = next(reader, None)
    if header is None or [cell.strip().lower() for cell in header] != list(COLUMNS):
        return [], [Problem(1, "the first line must name the columns: " + ";".join(COLUMNS))]
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(COLUMNS):
            problems.append(Problem(number, f"{len(cells)} fields instead of {len(COLUMNS)}"))
            continue
        values = dict(zip(COLUMNS, (cell.strip() for cell in cells), strict=True))
        reasons = [f"{name} is empty" for name in ("building", "address", "flat", "account") if not values[name]]
        building_area, flat_area = _decimal(values["building_area"]), _decimal(values["flat_area"])
        if building_area is None:
            reasons.append(f"building_area {values['building_area']!r} is not a positive number")
        if flat_area is None:
            reasons.append(f"flat_area {values['flat_area']!r} is not a positive number")
        text = values["residents"]
        residents = int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else None
        if residents is None:
            reasons.append(f"residents {values['residents']!r} is not a whole number")
        if len(values["flat"]) > 20 or len(values["building"]) > 40 or len(values["address"]) > 300:
            reasons.append("a field is too long")
        if reasons:
            problems.append(Problem(number, "; ".join(reasons)))
            continue
        lines.append(
            StockLine(
                number,
                values["building"],
                values["address"],
                building_area,
                values["flat"],
                flat_area,
                residents,
                values["account"],
                values["holder"],
            )
        )
    problems += _contradictions(lines)
    return lines, sorted(problems, key=lambda problem: problem.line)


def _contradictions(lines: list[StockLine]) -> list[Problem]:
    problems = []
    buildings: dict[str, StockLine] = {}
    flats: dict[tuple[str, str], StockLine] = {}
    accounts: dict[str, StockLine] = {}
    for line in lines:
        first = buildings.setdefault(line.building, line)
        if (first.address, first.building_area) != (line.address, line.building_area):
            problems.append(Problem(line.line, f"building {line.building} differs from line {first.line}"))
        flat = flats.setdefault((line.building, line.flat), line)
        if (flat.flat_area, flat.residents) != (line.flat_area, line.residents):
            problems.append(Problem(line.line, f"flat {line.flat} of {line.building} differs from line {flat.line}"))
        seen = accounts.setdefault(line.account, line)
        if seen is not line:
            problems.append(Problem(line.line, f"account {line.account} is on line {seen.line} already"))
    return problems


def apply(lines: list[StockLine]) -> tuple[Imported, list[Problem]]:
    """Write the lines in the current tenant (the caller commits, or rolls back when problems are returned)."""
    problems: list[Problem] = []
    added = {"buildings": 0, "flats": 0, "accounts": 0}
    buildings = {b.code: b for b in session.scalars(select(Building))}
    for line in lines:
        building = buildings.get(line.building)
        if building is None:
            building = Building(code=line.building, address=line.address, total_area=line.building_area)
            session.add(building)
            session.flush()
            buildings[line.building] = building
            added["buildings"] += 1
        elif (building.address, building.total_area) != (line.address, line.building_area):
            problems.append(Problem(line.line, f"building {line.building} is stored with another address or area"))
            continue
        flat = session.scalar(select(Premises).where(Premises.building_id == building.id, Premises.number == line.flat))
        if flat is None:
            flat = Premises(building_id=building.id, number=line.flat, area=line.flat_area, residents=line.residents)
            session.add(flat)
            session.flush()
            added["flats"] += 1
        elif (flat.area, flat.residents) != (line.flat_area, line.residents):
            problems.append(Problem(line.line, f"flat {line.flat} is stored with another area or residents"))
            continue
        account = find_account(line.account)
        if account is None:
            try:
                account = open_account(
                    line.account, holder_name=line.holder, address=f"{line.address}, кв. {line.flat}"
                )
            except AccountError as error:
                problems.append(Problem(line.line, f"account {line.account}: {error}"))
                continue
            session.flush()
        binding = session.scalar(select(AccountPremises).where(AccountPremises.personal_account_id == account.id))
        if binding is None:
            session.add(AccountPremises(personal_account_id=account.id, premises_id=flat.id))
            added["accounts"] += 1
        elif binding.premises_id != flat.id:
            problems.append(Problem(line.line, f"account {line.account} is bound to another flat"))
    session.flush()
    return Imported(**added), problems
