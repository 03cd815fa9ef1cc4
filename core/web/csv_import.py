"""The one way an operator's CSV file is read: a header naming the columns, line-numbered problems, all or nothing.

A plugin describes an import kind (:class:`CsvImport`): its columns (code → title, a msgid), how one line becomes
an item (or problems), how the items are checked against each other, and how they are written in the current
tenant. :func:`run_csv_import` does the rest the same way for every kind, from the command line or an upload::

    METERS = CsvImport({"serial": N_("serial number"), "kind": N_("meter kind")}, parse_line, apply)
    outcome = run_csv_import(METERS, uploaded_bytes)
    if outcome.ok:
        session.commit()
    else:  # nothing was written; every problem names its line
        for problem in outcome.problems:
            print(problem.line, problem.text())

The file: UTF-8 (with or without a byte-order mark); a semicolon or a comma separates fields (the first line
decides); the first line names the columns in any order, each by its code or its title in English or Russian
(``optional`` columns may be left out); a blank line is skipped. Problems carry a msgid and its parameters: the
command line prints them in English (``str(problem)``), a page in the reader's language (``problem.text()``).
A parameter ``column`` (a column code) or ``columns`` (codes joined by ``;``) is shown as the column titles.
:func:`read_csv_rows` is the reader alone, for an import that writes by itself.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

from flask_babel import force_locale, gettext

from core.db import session
from core.i18n import N_

T = TypeVar("T")

#: Column code → its title (a msgid): how a header may name the column and how a page shows it.
Columns = Mapping[str, str]


@dataclass(frozen=True)
class CsvProblem:
    """What is wrong with one line (1-based; the header is line 1): a msgid (or a sentence already in the reader's
    language, such as a form's error) with its parameters, and the column it is about when the sentence does not
    say it. ``titles`` are the import's column titles, used to name columns in :meth:`text`."""

    line: int
    message: str
    params: Mapping[str, Any] = field(default_factory=dict)
    column: str = ""
    titles: Columns = field(default_factory=dict, compare=False, repr=False)

    def __str__(self) -> str:
        said = self.message % dict(self.params) if self.params else self.message
        return f"{self.column}: {said}" if self.column else said

    def _title(self, column: str) -> str:
        return gettext(self.titles[column]) if column in self.titles else column

    def text(self) -> str:
        """The problem in the current reader's language, columns named by their titles."""
        params = dict(self.params)
        if "column" in params:
            params["column"] = self._title(params["column"])
        if "columns" in params:
            params["columns"] = ";".join(self._title(code) for code in str(params["columns"]).split(";"))
        said = gettext(self.message, **params)
        return f"{self._title(self.column)}: {said}" if self.column else said

    def with_titles(self, titles: Columns) -> CsvProblem:
        """The same problem, naming columns with ``titles`` (when it has none yet)."""
        return self if self.titles else replace(self, titles=titles)


@dataclass(frozen=True)
class CsvRow:
    """One line of the file: its number and its cells by column code (trimmed; a missing optional one is "")."""

    line: int
    values: Mapping[str, str]
    titles: Columns = field(default_factory=dict, compare=False, repr=False)

    def __getitem__(self, name: str) -> str:
        return self.values.get(name, "")

    def problem(self, message: str, **params: Any) -> CsvProblem:
        """A problem of this line (``column=`` in ``params`` is a column code, shown as its title)."""
        return CsvProblem(self.line, message, params, titles=self.titles)

    def column_problem(self, column: str, message: str, params: Mapping[str, Any] | None = None) -> CsvProblem:
        """A problem with the cell of ``column`` (the text is prefixed with the column's title)."""
        return CsvProblem(self.line, message, params or {}, column, self.titles)


@dataclass(frozen=True)
class CsvImport(Generic[T]):
    """An import kind: its ``columns`` (``optional`` ones may be absent); ``parse_line`` turns a row into an item
    (with a ``line`` attribute) or problems; ``check`` finds items that contradict earlier ones; ``apply`` writes
    the items and returns counts by name and the problems found against what is stored."""

    columns: Columns
    parse_line: Callable[[CsvRow], tuple[T | None, list[CsvProblem]]]
    apply: Callable[[list[T]], tuple[dict[str, int], list[CsvProblem]]]
    check: Callable[[list[T]], list[CsvProblem]] = lambda items: []
    optional: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.columns, Mapping):  # bare codes: each column is titled by its code
            object.__setattr__(self, "columns", {code: code for code in self.columns})


@dataclass(frozen=True)
class CsvOutcome:
    """What an import did: the counts of what it wrote (nothing when there are problems) and the problems."""

    counts: dict[str, int]
    problems: list[CsvProblem]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def bad_lines(self) -> int:
        return len({problem.line for problem in self.problems})


def decode_csv(data: bytes | str) -> str | None:
    """The file's text (UTF-8, with or without a byte-order mark), or ``None`` when it is not UTF-8."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _aliases(columns: Columns) -> dict[str, str]:
    """Every way a header may name a column: its code, its English title, its title in the reader's and in
    Russian."""
    found: dict[str, str] = {}
    for code, title in columns.items():
        found[code.lower()] = code
        found[title.lower()] = code
        found[gettext(title).lower()] = code
        with force_locale("ru"):
            found[gettext(title).lower()] = code
    return found


def read_csv_rows(
    data: bytes | str, columns: Columns, optional: Sequence[str] = ()
) -> tuple[list[CsvRow], list[CsvProblem]]:
    """The file's lines by column code, and the problems of its form (encoding, header, number of fields)."""
    text = decode_csv(data)
    if text is None:
        return [], [CsvProblem(1, N_("The file is not UTF-8 text."))]
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    aliases = _aliases(columns)
    header_problem = CsvProblem(
        1, N_("The first line must name the columns: %(columns)s."), {"columns": ";".join(columns)}, titles=columns
    )
    try:
        header_cells = next(reader, None) or []
    except csv.Error:
        return [], [header_problem]
    header = [aliases.get(" ".join(cell.split()).lower(), cell) for cell in header_cells]
    required = [code for code in columns if code not in optional]
    if not header or set(header) - set(columns) or set(required) - set(header) or len(set(header)) != len(header):
        return [], [header_problem]
    rows: list[CsvRow] = []
    problems: list[CsvProblem] = []
    try:
        for cells in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                problems.append(
                    CsvProblem(
                        number,
                        N_("%(count)s fields instead of %(expected)s."),
                        {"count": len(cells), "expected": len(header)},
                    )
                )
                continue
            values = dict.fromkeys(columns, "")
            values.update(zip(header, (cell.strip() for cell in cells), strict=True))
            rows.append(CsvRow(number, values, columns))
    except csv.Error as error:
        problems.append(CsvProblem(reader.line_num, N_("The line cannot be read: %(error)s."), {"error": str(error)}))
    return rows, problems


def run_csv_import(kind: CsvImport[T], data: bytes | str) -> CsvOutcome:
    """Import ``data`` in the current tenant: everything, or nothing and every problem (the caller commits).

    The good lines are checked against each other, then those that agree are written (and rolled back if
    anything is wrong), so one run names every problem of the file.
    """
    rows, problems = read_csv_rows(data, kind.columns, kind.optional)
    items: list[T] = []
    for row in rows:
        item, found = kind.parse_line(row)
        problems += found
        if item is not None and not found:
            items.append(item)
    clashes = kind.check(items)
    clashing = {problem.line for problem in clashes}
    counts, stored = kind.apply([item for item in items if getattr(item, "line", None) not in clashing])
    problems += clashes + stored
    if problems:
        session.rollback()
        ordered = sorted(problems, key=lambda problem: problem.line)
        return CsvOutcome({}, [problem.with_titles(kind.columns) for problem in ordered])
    session.flush()
    return CsvOutcome(counts, [])
