"""The one money module: integer kopecks in, text out (:func:`format_money`) and text in, kopecks out
(:func:`parse_money`), with one error type (:class:`AmountError`). No float ever touches an amount.

Styles of writing an amount:

* ``display`` — for pages, in the page's language: ``1 500,00 ₽`` (Russian), ``1,500.00 ₽`` (English);
* ``receipt`` — Russian whatever the page's language (a receipt is a Russian payment document), with a
  typographic minus: ``−1 500,00 ₽``;
* ``wire`` — what files and gateways exchange: ``1500.00`` (PayKeeper sums, registries, form values).

Digit grouping and month names come from Babel's CLDR data, not hand-made tables.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Literal

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal as babel_format_decimal
from babel.numbers import parse_pattern
from flask import has_request_context
from flask_babel import format_decimal, gettext

from core.i18n import N_

Style = Literal["display", "receipt", "wire"]

KOPECKS = Decimal(100)
MAX_RUBLES = 10**13  # in kopecks still far inside a bigint
RECEIPT_LOCALE = "ru"
MINUS = "\u2212"  # the typographic minus sign of receipts
NBSP = "\u00a0"  # keeps "1 234,56 ₽" on one line
_PATTERN = parse_pattern("#,##0.00")  # parsed once: Babel would parse the text on every call
_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


class AmountError(ValueError):
    """Not an amount of money in rubles with at most two decimals. ``str()`` is the reason in the page's language.

    ``message`` is the English reason (a catalogue entry with a ``%(value)s`` placeholder), ``value`` the text read.
    """

    def __init__(self, message: str, value: str = "") -> None:
        super().__init__(message % {"value": value})
        self.message = message
        self.value = value

    def __str__(self) -> str:
        text = gettext(self.message) if has_request_context() else self.message
        return text % {"value": self.value}


def rubles(kopecks: int) -> Decimal:
    """``123456`` → ``Decimal("1234.56")``."""
    return Decimal(_kopecks(kopecks)) / KOPECKS


def _kopecks(kopecks: int | None) -> int:
    if kopecks is None:
        return 0
    if isinstance(kopecks, bool) or not isinstance(kopecks, int):
        raise TypeError(f"amounts are integer kopecks, got {kopecks!r}")
    return kopecks


def format_money(kopecks: int | None, style: Style = "display") -> str:
    """Kopecks as rubles in ``style``: ``123456`` → ``1 234,56 ₽`` / ``1 234,56 ₽`` / ``1234.56`` (see module doc).

    The rouble sign follows the number in every language (CLDR's English would print ``RUB1,234.56``, which nobody
    paying in roubles reads comfortably). ``None`` is zero; a float or a bool is a ``TypeError``.
    """
    amount = _kopecks(kopecks)
    if style == "wire":
        whole, kop = divmod(abs(amount), 100)
        return f"{'-' if amount < 0 else ''}{whole}.{kop:02d}"
    if style == "receipt":
        text = babel_format_decimal(rubles(abs(amount)), format=_PATTERN, locale=RECEIPT_LOCALE)
        return f"{MINUS if amount < 0 else ''}{text}{NBSP}₽"
    if style == "display":
        return f"{format_decimal(rubles(amount), format=_PATTERN)}{NBSP}₽"
    raise ValueError(f"unknown money style {style!r}")


def parse_money(text: str, style: Style = "display", *, positive: bool = False) -> int:
    """Rubles as written → kopecks, with :class:`~decimal.Decimal`. Raises :class:`AmountError` with the reason.

    ``display`` (what people type) accepts spaces, a comma or a dot and a ``₽``: ``"1 234,5 ₽"`` → ``123450``.
    ``wire`` accepts digits with a comma or a dot, spaces around it only. ``positive`` refuses zero and below.
    """
    raw = (text or "").strip()
    cleaned = raw.replace(",", ".")
    if style == "display":
        cleaned = cleaned.replace(" ", "").replace(NBSP, "").replace("\u202f", "").replace("₽", "")
    elif style != "wire":
        raise ValueError(f"unknown money style {style!r}")
    if not _NUMBER.fullmatch(cleaned):
        raise AmountError(N_("the amount %(value)s is not a number"), raw)
    value = Decimal(cleaned)
    if positive and value < 0:
        raise AmountError(N_("the amount %(value)s is negative"), raw)
    if value != value.quantize(Decimal("0.01")):
        raise AmountError(N_("the amount %(value)s has more than 2 decimals"), raw)
    if abs(value) >= MAX_RUBLES:
        raise AmountError(N_("the amount %(value)s is too large"), raw)
    if positive and value == 0:
        raise AmountError(N_("the amount %(value)s is zero"), raw)
    return int(value * KOPECKS)


def parse_rubles(text: str) -> int:
    """``"1 234,5"`` → ``123450`` kopecks (the ``display`` style of :func:`parse_money`, kept for 0.1 plugins)."""
    return parse_money(text, "display")


def month_label(day: date | str, locale: str = RECEIPT_LOCALE) -> str:
    """The month of a bill as a title: ``date(2026, 12, 1)`` or ``"2026-12"`` → ``"декабрь 2026"`` (Babel's names)."""
    if isinstance(day, str):
        year, month = day.split("-")
        day = date(int(year), int(month), 1)
    return babel_format_date(day, "LLLL y", locale=locale)
