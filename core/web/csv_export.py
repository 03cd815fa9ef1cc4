"""The one way to export a list as CSV: the same rows the page shows, for a spreadsheet.

Excel opens the file in Russian without questions when it starts with a UTF-8 byte-order mark and
separates fields with ``;``. A cell starting with ``=``, ``+``, ``-`` or ``@`` is prefixed with ``'``
so a spreadsheet never runs it as a formula (CSV injection); numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from flask import Response

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class Amount(str):
    """A money cell: ``-1500,50`` (rubles, decimal comma as Russian Excel reads it); never formula-guarded."""


def money_cell(kopecks: int) -> Amount:
    """Integer kopecks as a spreadsheet amount in rubles (``150050`` → ``1500,50``)."""
    sign = "-" if kopecks < 0 else ""
    rubles, rest = divmod(abs(kopecks), 100)
    return Amount(f"{sign}{rubles},{rest:02d}")


def _cell(value: Any) -> Any:
    if isinstance(value, Amount):
        return str(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_text(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    """The CSV document (with its byte-order mark) for ``header`` and ``rows``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([str(title) for title in header])
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return "\ufeff" + buffer.getvalue()


def csv_response(filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Response:
    """A download of ``rows`` under ``header`` (translated titles welcome) as ``filename`` (ASCII, ``.csv``)."""
    response = Response(csv_text(header, rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
