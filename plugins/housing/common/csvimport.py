"""Housing's CSV files (the stock, the meters, the readings from the company's billing) through core's one CSV
import (``core.api.run_csv_import``: header named, line-numbered problems, all or nothing): the titles of
housing's columns, and the cells several kinds read (decimals with a comma, whole numbers, days, months)::

    outcome = csvimport.run(METERS, data)
    if outcome.ok:
        session.commit()
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from flask_babel import gettext

from core.api import N_, CsvImport, CsvOutcome, CsvProblem, CsvRow, run_csv_import

# Housing's modules name them as before.
Problem = CsvProblem
Row = CsvRow
Outcome = CsvOutcome

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


def columns_of(codes: Sequence[str]) -> dict[str, str]:
    """The import kind's columns (code → title) for ``codes``, in that order."""
    return {code: TITLES.get(code, code) for code in codes}


def run(kind: CsvImport[T], data: bytes | str) -> CsvOutcome:
    """Import ``data`` in the current tenant: everything, or nothing and every problem (the caller commits)."""
    return run_csv_import(kind, data)


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
