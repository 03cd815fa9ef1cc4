"""The operator's import of the housing stock from a CSV file (:data:`STOCK`, run by
:func:`plugins.housing.common.csvimport.run`): all or nothing, every bad line named.

One line per personal account (a flat with two accounts is on two lines)::

    building;address;building_area;flat;flat_area;residents;account;holder
    L5;ул. Ленина, 5;6000,0;12;54,3;3;1000120;Иванов Иван Иванович

A semicolon or a comma separates fields; decimals take a comma or a point. A second import of the same file
changes nothing; a line that contradicts the file or what is stored (another area for the same flat, an account
already bound to another flat) is a problem, and with any problem nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from core.api import N_, AccountError, find_account, open_account, session
from plugins.housing.common.csvimport import CsvImport, Problem, Row, columns_of, positive_decimal, whole
from plugins.housing.models import AccountPremises, Building, Premises

COLUMNS = ("building", "address", "building_area", "flat", "flat_area", "residents", "account", "holder")
LENGTHS = {"building": 40, "address": 300, "flat": 20, "account": 40, "holder": 200}


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


def parse_line(row: Row) -> tuple[StockLine | None, list[Problem]]:
    """One line of the file as a :class:`StockLine`, or what is wrong with it."""
    problems = [
        row.problem(N_("%(column)s is empty."), column=name) for name in LENGTHS if name != "holder" and not row[name]
    ]
    building_area, flat_area = positive_decimal(row["building_area"]), positive_decimal(row["flat_area"])
    for name, value in (("building_area", building_area), ("flat_area", flat_area)):
        if value is None:
            problems.append(
                row.problem(N_("%(column)s '%(value)s' is not a positive number."), column=name, value=row[name])
            )
    residents = whole(row["residents"])
    if residents is None:
        problems.append(
            row.problem(N_("%(column)s '%(value)s' is not a whole number."), column="residents", value=row["residents"])
        )
    problems += [
        row.problem(N_("%(column)s is longer than %(length)s characters."), column=name, length=length)
        for name, length in LENGTHS.items()
        if len(row[name]) > length
    ]
    if problems:
        return None, problems
    line = StockLine(
        row.line,
        row["building"],
        row["address"],
        building_area,
        row["flat"],
        flat_area,
        residents,
        row["account"],
        row["holder"],
    )
    return line, []


def check(lines: list[StockLine]) -> list[Problem]:
    """Lines that contradict an earlier line of the same file."""
    problems = []
    buildings: dict[str, StockLine] = {}
    flats: dict[tuple[str, str], StockLine] = {}
    accounts: dict[str, StockLine] = {}
    for line in lines:
        first = buildings.setdefault(line.building, line)
        if (first.address, first.building_area) != (line.address, line.building_area):
            problems.append(
                Problem(
                    line.line,
                    N_("building %(code)s differs from line %(first)s."),
                    {"code": line.building, "first": first.line},
                )
            )
        flat = flats.setdefault((line.building, line.flat), line)
        if (flat.flat_area, flat.residents) != (line.flat_area, line.residents):
            problems.append(
                Problem(
                    line.line,
                    N_("flat %(flat)s of %(code)s differs from line %(first)s."),
                    {"flat": line.flat, "code": line.building, "first": flat.line},
                )
            )
        seen = accounts.setdefault(line.account, line)
        if seen is not line:
            problems.append(
                Problem(
                    line.line,
                    N_("account %(account)s is on line %(first)s already."),
                    {"account": line.account, "first": seen.line},
                )
            )
    return problems


def apply(lines: list[StockLine]) -> tuple[dict[str, int], list[Problem]]:
    """Write the lines in the current tenant; what contradicts the stored stock is a problem."""
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
            problems.append(
                Problem(
                    line.line, N_("building %(code)s is stored with another address or area."), {"code": line.building}
                )
            )
            continue
        flat = session.scalar(select(Premises).where(Premises.building_id == building.id, Premises.number == line.flat))
        if flat is None:
            flat = Premises(building_id=building.id, number=line.flat, area=line.flat_area, residents=line.residents)
            session.add(flat)
            session.flush()
            added["flats"] += 1
        elif (flat.area, flat.residents) != (line.flat_area, line.residents):
            problems.append(
                Problem(line.line, N_("flat %(flat)s is stored with another area or residents."), {"flat": line.flat})
            )
            continue
        account = find_account(line.account)
        if account is None:
            try:
                account = open_account(
                    line.account, holder_name=line.holder, address=f"{line.address}, кв. {line.flat}"
                )
            except AccountError as error:
                problems.append(
                    Problem(
                        line.line, N_("account %(account)s: %(error)s"), {"account": line.account, "error": str(error)}
                    )
                )
                continue
            session.flush()
        binding = session.scalar(select(AccountPremises).where(AccountPremises.personal_account_id == account.id))
        if binding is None:
            session.add(AccountPremises(personal_account_id=account.id, premises_id=flat.id))
            added["accounts"] += 1
        elif binding.premises_id != flat.id:
            problems.append(
                Problem(line.line, N_("account %(account)s is bound to another flat."), {"account": line.account})
            )
    return added, problems


#: Buildings, flats and accounts from a CSV file.
STOCK: CsvImport[StockLine] = CsvImport(columns_of(COLUMNS), parse_line, apply, check)
