"""Importing an organization's batches from a CSV file: all or nothing, every problem with its line.

Columns (a header names them by code, English or Russian title, in any order): ``uin`` (optional: empty or
absent — a new one is generated), ``kind``, ``name``, ``metal``, ``fineness``, ``weight`` (grams), ``count``
(optional, 1 by default). Kind and metal are given by code or by title in English or Russian (``изделие``,
``золото``). Each line is checked by the same rules as the page's form; a УИН twice in the file or already
registered is a problem of its line. Nothing is written unless every line is right.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _

from core.api import N_, CsvProblem, CsvRow, User, read_csv_rows, read_form
from plugins.dmdk.batches import service, terms
from plugins.dmdk.batches.forms import BatchForm, batch_input

COLUMNS = {
    "uin": N_("UIN"),
    "kind": N_("kind"),
    "name": N_("name"),
    "metal": N_("metal"),
    "fineness": N_("fineness"),
    "weight": N_("weight, g"),
    "count": N_("count"),
}
OPTIONAL = ("uin", "count")
#: The largest file an operator may upload.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Outcome:
    """What an import did: how many batches it created (0 when there are problems), and the problems."""

    created: int
    problems: list[CsvProblem]

    @property
    def ok(self) -> bool:
        return not self.problems


def _codes(titles: dict[str, str]) -> dict[str, str]:
    found = {code: code for code in titles}
    for code, title in titles.items():
        found[title.lower()] = code
        found[_(title).lower()] = code
        with force_locale("ru"):
            found[_(title).lower()] = code
    return found


def _line(
    row: CsvRow, kinds: dict[str, str], metals: dict[str, str]
) -> tuple[service.BatchInput | None, list[CsvProblem]]:
    values = dict(row.values)
    values["kind"] = kinds.get(values["kind"].lower(), values["kind"])
    values["metal"] = metals.get(values["metal"].lower(), values["metal"])
    if not values["count"]:
        del values["count"]
    form = read_form(BatchForm(), values)
    if not form.ok:
        return None, [row.column_problem(name, form.error(name)) for name in sorted(form.errors)]
    return batch_input(form.data), []


def run(actor: User | None, organization_id: int, data: bytes | str, *, register: bool) -> Outcome:
    """Import ``data`` as batches of ``organization_id`` (registered at once when ``register``, else drafts).

    The caller commits when ``ok``, and rolls back otherwise (nothing has been added then anyway).
    """
    rows, problems = read_csv_rows(data, COLUMNS, OPTIONAL)
    kinds, metals = _codes(terms.KINDS), _codes(terms.METALS)
    items: list[tuple[int, service.BatchInput]] = []
    for row in rows:
        item, found = _line(row, kinds, metals)
        problems += found
        if item is not None:
            items.append((row.line, item))
    first_line: dict[str, int] = {}
    for line, item in items:
        if item.uin in first_line:
            problems.append(
                CsvProblem(
                    line,
                    N_("The UIN %(uin)s is on line %(line)s too."),
                    {"uin": item.uin, "line": first_line[item.uin]},
                )
            )
        elif item.uin:
            first_line[item.uin] = line
    for number in sorted(service.taken_uins(list(first_line))):
        problems.append(
            CsvProblem(first_line[number], N_("A batch with the UIN %(uin)s is already registered."), {"uin": number})
        )
    if not problems and not items:
        problems.append(CsvProblem(2, N_("The file has no batches: one line per batch after the header.")))
    if problems:
        return Outcome(0, [problem.with_titles(COLUMNS) for problem in sorted(problems, key=lambda p: p.line)])
    for _line_number, item in items:
        service.create(actor, organization_id, item, register=register)
    return Outcome(len(items), [])


def template_header() -> list[str]:
    """The header of an empty file to fill in, in the reader's language."""
    return [_(title) for title in COLUMNS.values()]
