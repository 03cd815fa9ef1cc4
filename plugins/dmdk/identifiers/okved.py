"""The shipped OKVED2 dictionary (``data/okved2.csv``: code, Russian title) — a selection of common codes."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

DICTIONARY = Path(__file__).resolve().parent / "data" / "okved2.csv"


@cache
def okved_codes() -> dict[str, str]:
    """Every code of the dictionary with its Russian title."""
    with DICTIONARY.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["title"] for row in csv.DictReader(handle)}


def okved_title(code: str) -> str | None:
    """The title of OKVED2 ``code``, or ``None`` when the classifier has no such code."""
    return okved_codes().get(code.strip())
