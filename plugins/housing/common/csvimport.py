"""The one way housing reads an operator's CSV file: header named, line-numbered problems, all or nothing.

An import kind (:class:`CsvImport`) names its columns, turns one line into an item (or problems), may check the
items against each other, and writes them in the current tenant. :func:`run` does the rest the same way for every
kind — the stock, the meters, the readings from the company's billing — from the command line or an upload::

    outcome = csvimport.run(METERS, data)
    if outcome.ok:
        session.commit()

A semicolon or a comma separates fields (the first line decides); the first line names the columns (in any
order, by code or by title in English or Russian — see :data:`TITLES`; optional columns may be left out); a blank
line is skipped. With any problem nothing is written (the
session is rolled back). Problems are msgids with parameters: the command line prints them in English, a page
in the reader's language.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, TypeVar

from flask_babel import force_locale, gettext

from core.api import N_, session

T = TypeVar("T")

#: The largest file an operator may upload (the command line reads any size).
MAX_UPLOAD_BYTES = 5 * 1024 * 1024

#: Every column of the housing files and its title (a msgid): a header may name a column by its code, its English
#: title or its Russian title; a page names it by its title in the reader's language.
TITLES: dict[str, str] = {
    "account": N_("account number"),
    "address": N_("address"),
    "building": N_("building code"),
    "building_area": N_("building area"),
    "digits": N_("digits"),
    "flat": N_("flat number"),
    "flat_area": N_("flat area"),
    "holder": N_("account holder"),
    "initial_1": N_("initial value 1"),
    "initial_2": N_("initial value 2"),
    "initial_3": N_("initial value 3"),
    "installed_on": N_("installed on"),
    "kind": N_("meter kind"),
    "next_verification": N_("next verification"),
    "period": N_("month"),
    "residents": N_("registered residents"),
    "serial": N_("serial number"),
    "value": N_("reading"),
    "volume": N_("volume"),
    "zone": N_("tariff"),
    "zones": N_("tariffs"),
}


def title(column: str) -> str:
    """The column's title in the reader's language (its code when it has none)."""
    return gettext(TITLES[column]) if column in TITLES else column


def titles(columns: Sequence[str]) -> list[str]:
    """The titles of ``columns`` in the reader's language, for a page or an exported header."""
    return [title(column) for column in columns]


def _aliases(columns: Sequence[str]) -> dict[str, str]:
    found = {column: column for column in columns}
    for column in columns:
        found[TITLES.get(column, column).lower()] = column
        found[title(column).lower()] = column
        with force_locale("ru"):
            found[title(column).lower()] = column
    return found


@dataclass(frozen=True)
class Problem:
    """What is wrong with one line (1-based, the header is line 1): a msgid and its parameters, and the column it
    is about when the message does not say it."""

    line: int
    message: str
    params: Mapping[str, Any] = field(default_factory=dict)
    column: str = ""

    def __str__(self) -> str:
        said = self.message % dict(self.params) if self.params else self.message
        return f"{self.column}: {said}" if self.column else said

    def text(self) -> str:
        """The problem in the current reader's language (column codes as their titles)."""
        params = dict(self.params)
        if "column" in params:
            params["column"] = title(params["column"])
        if "columns" in params:
            params["columns"] = ";".join(titles(params["columns"].split(";")))
        said = gettext(self.message, **params)
        return f"{title(self.column)}: {said}" if self.column else said


@dataclass(frozen=True)
class Row:
    """One line of the file: its number and its cells by column name (trimmed; a missing optional one is "")."""

    line: int
    values: Mapping[str, str]

    def __getitem__(self, name: str) -> str:
        return self.values.get(name, "")

    def problem(self, message: str, **params: Any) -> Problem:
        return Problem(self.line, message, params)

    def column_problem(self, column: str, message: str, params: Mapping[str, Any]) -> Problem:
        """A problem with the cell of ``column``."""
        return Problem(self.line, message, params, column)


@dataclass(frozen=True)
class CsvImport(Generic[T]):
    """An import kind: its ``columns`` (``optional`` ones may be absent), how a line becomes an item (with a
    ``line`` attribute), how the items are checked together (``check``: a line that contradicts an earlier one) and
    written (``apply``: counts by name, and problems found against what is stored)."""

    columns: tuple[str, ...]
    parse_line: Callable[[Row], tuple[T | None, list[Problem]]]
    apply: Callable[[list[T]], tuple[dict[str, int], list[Problem]]]
    check: Callable[[list[T]], list[Problem]] = lambda items: []
    optional: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What an import did: the counts of what it wrote (nothing when there are problems) and the problems."""

    counts: dict[str, int]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def bad_lines(self) -> int:
        return len({problem.line for problem in self.problems})


def decode(data: bytes | str) -> str | None:
    """The file's text (UTF-8, with or without a byte-order mark), or ``None`` when it is not UTF-8."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def read_rows(text: str, columns: Sequence[str], optional: Sequence[str] = ()) -> tuple[list[Row], list[Problem]]:
    """The file's lines by column code; a wrong header or a line with another number of fields is a problem."""
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    aliases = _aliases(columns)
    header = [aliases.get(" ".join(cell.split()).lower(), cell) for cell in next(reader, None) or []]
    required = [name for name in columns if name not in optional]
    if not header or set(header) - set(columns) or set(required) - set(header) or len(set(header)) != len(header):
        return [], [
            Problem(1, N_("The first line must name the columns: %(columns)s."), {"columns": ";".join(columns)})
        ]
    rows: list[Row] = []
    problems: list[Problem] = []
    try:
        for cells in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                problems.append(
                    Problem(
                        number,
                        N_("%(count)s fields instead of %(expected)s."),
                        {"count": len(cells), "expected": len(header)},
                    )
                )
                continue
            rows.append(Row(number, dict(zip(header, (cell.strip() for cell in cells), strict=True))))
    except csv.Error as error:
        problems.append(Problem(reader.line_num, N_("The line cannot be read: %(error)s."), {"error": str(error)}))
    return rows, problems


def run(kind: CsvImport[T], data: bytes | str) -> Outcome:
    """Import ``data`` in the current tenant: everything, or nothing and every problem (the caller commits)."""
    text = decode(data)
    if text is None:
        return Outcome({}, [Problem(1, N_("The file is not UTF-8 text."))])
    rows, problems = read_rows(text, kind.columns, kind.optional)
    items: list[T] = []
    for row in rows:
        item, found = kind.parse_line(row)
        problems += found
        if item is not None and not found:
            items.append(item)
    # The good lines against each other, then those that agree against what is stored (written, and rolled back
    # if anything is wrong): one run names every problem of the file.
    clashes = kind.check(items)
    clashing = {problem.line for problem in clashes}
    counts, stored = kind.apply([item for item in items if getattr(item, "line", None) not in clashing])
    problems += clashes + stored
    if problems:
        session.rollback()
        return Outcome({}, sorted(problems, key=lambda problem: problem.line))
    session.flush()
    return Outcome(counts, [])


# --- cells: what several kinds read -------------------------------------------------------------------------------


def positive_decimal(text: str) -> Decimal | None:
    """``"6 000,5"`` → ``Decimal("6000.5")``; ``None`` unless a positive number."""
    value = any_decimal(text)
    return value if value is not None and value > 0 else None


def any_decimal(text: str) -> Decimal | None:
    """A finite number with a decimal comma or point (spaces between thousands allowed), else ``None``."""
    try:
        value = Decimal(text.strip().replace(" ", "").replace("\xa0", "").replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def whole(text: str, largest: int = 9999) -> int | None:
    """A whole number from 0 to ``largest``, else ``None``."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        return None
    value = int(text)
    return value if value <= largest else None


def day(text: str) -> date | None:
    """``2026-03-31`` or ``31.03.2026`` → a date, else ``None``."""
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def month(text: str) -> date | None:
    """``2026-03``, ``03.2026`` or any day of the month → its first day, else ``None``."""
    found = day(text)
    if found is None:
        for pattern in ("%Y-%m", "%m.%Y"):
            try:
                found = datetime.strptime(text.strip(), pattern).date()
                break
            except ValueError:
                continue
    return found.replace(day=1) if found else None
