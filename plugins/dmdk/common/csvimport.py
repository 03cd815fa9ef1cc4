"""Reading an operator's CSV file in dmdk: a header naming the columns, then one item per line, every problem
with its line number.

Core has only the CSV *export* (``core.api.csv_response``); housing's import reader belongs to housing, and a
plugin never imports another. This is the small reader dmdk's imports share::

    rows, problems = read_rows(data, COLUMNS)

``COLUMNS`` maps each column's code to its title (a msgid); a header cell may name a column by its code, its
English title or its Russian title, in any order; ``optional`` columns may be left out. A semicolon or a comma
separates fields (the first line decides); a blank line is skipped; the header is line 1. The caller turns rows
into items and writes nothing unless there is no problem at all (all or nothing).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _

#: The largest file an operator may upload.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Problem:
    """What is wrong with line ``line`` of the file (1-based, the header is line 1), in the reader's language."""

    line: int
    text: str

    def __str__(self) -> str:
        return _("Line %(line)s: %(text)s", line=self.line, text=self.text)


@dataclass(frozen=True)
class Row:
    """One line of the file: its number and its cells by column code (trimmed; a missing optional one is "")."""

    line: int
    values: Mapping[str, str]


def decode(data: bytes | str) -> str | None:
    """The file's text (UTF-8, with or without a byte-order mark), or ``None`` when it is not UTF-8."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _aliases(columns: Mapping[str, str]) -> dict[str, str]:
    """Every way a header may name a column (code, English title, title in the reader's language, Russian title)."""
    found = {}
    for code, title in columns.items():
        found[code.lower()] = code
        found[title.lower()] = code
        found[_(title).lower()] = code
        with force_locale("ru"):
            found[_(title).lower()] = code
    return found


def read_rows(
    data: bytes | str, columns: Mapping[str, str], optional: Sequence[str] = ()
) -> tuple[list[Row], list[Problem]]:
    """The file's lines by column code, and the problems of its form (encoding, header, number of fields)."""
    text = decode(data)
    if text is None:
        return [], [Problem(1, _("The file is not UTF-8 text."))]
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    aliases = _aliases(columns)
    try:
        header_cells = next(reader, None) or []
    except csv.Error as error:
        return [], [Problem(1, _("The line cannot be read: %(error)s.", error=str(error)))]
    header = [aliases.get(" ".join(cell.split()).lower(), cell) for cell in header_cells]
    required = [code for code in columns if code not in optional]
    if not header or set(header) - set(columns) or set(required) - set(header) or len(set(header)) != len(header):
        names = "; ".join(_(title) for title in columns.values())
        return [], [Problem(1, _("The first line must name the columns: %(columns)s.", columns=names))]
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
                        number, _("%(count)s fields instead of %(expected)s.", count=len(cells), expected=len(header))
                    )
                )
                continue
            values = {code: "" for code in columns}
            values.update(zip(header, (cell.strip() for cell in cells), strict=True))
            rows.append(Row(number, values))
    except csv.Error as error:
        problems.append(Problem(reader.line_num, _("The line cannot be read: %(error)s.", error=str(error))))
    return rows, problems
