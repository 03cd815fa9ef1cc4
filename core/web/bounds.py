"""App-wide bounds on request input: ids in URLs, JSON bodies, NUL characters, page numbers, days.

Everything here runs for every request (web pages and the API alike), so no view has to remember it:

* ``<int:…>`` in any route accepts at most :data:`MAX_ID` (the largest PostgreSQL ``integer``); a
  larger number is an unknown object (404), never a database error.
* :class:`BoundedJSONProvider` reads JSON no deeper than :data:`MAX_JSON_DEPTH`, with finite numbers
  of at most 15 digits and strings without NUL or lone surrogates (which no database column takes).
* :func:`refuse_bad_input` answers 400 with a message when a query, form or JSON value, or a part of
  the URL, carries such a character, or when the JSON body breaks the rules above.
* :func:`page_number` and :func:`parse_day` are the one way to read a page number and a day.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date
from typing import Any

from flask import request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from core.db.queries import MAX_ID as MAX_ID  # the one bound on ids, re-exported for the readers below

MAX_JSON_DEPTH = 32
MAX_JSON_NUMBER = 10**15  # beyond any amount in kopecks; integers and floats alike
MAX_PAGE = 100_000
#: The days a person can mean: outside them a date is a typo (and ``date.max + 1 day`` overflows).
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)

_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
_JSON_TYPES = ("application/json",)


def _at_most(limit: int) -> str:
    """A regular expression for the decimal numbers 0..``limit`` (no sign), e.g. ``2147483647``."""
    digits = str(limit)
    options = [rf"[0-9]{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for i, digit in enumerate(digits):
        if digit != "0":
            rest = len(digits) - i - 1
            low = "0" if i or len(digits) == 1 else "1"
            if int(digit) - 1 >= int(low):
                options.append(digits[:i] + f"[{low}-{int(digit) - 1}]" + (f"[0-9]{{{rest}}}" if rest else ""))
    options.append(digits)
    return "(?:" + "|".join(options) + ")"


class BoundedIntConverter(IntegerConverter):
    """``<int:name>`` for the whole app: ASCII digits, at most :data:`MAX_ID`, so it fits any id column.

    The bound is in the pattern too, so a larger number matches no route at all: 404 for every method.
    """

    regex = _at_most(MAX_ID)

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID, signed=False):
        super().__init__(map, fixed_digits, min, max if max is not None else MAX_ID, signed)


class BadJSON(ValueError):
    """A JSON text that breaks the app's bounds; ``kind`` is ``"depth"``, ``"number"`` or ``"character"``."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > 15:
        raise BadJSON("number", "a number is too large")
    return int(text)


def _bounded_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or abs(value) > MAX_JSON_NUMBER:
        raise BadJSON("number", "a number is too large")
    return value


def _no_constants(text: str) -> Any:
    raise ValueError(f"{text} is not a JSON number")


def check_json_value(value: Any) -> None:
    """Raise :class:`BadJSON` when ``value`` is nested too deep or has a string no database can store."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if _FORBIDDEN.search(item):
                raise BadJSON("character", "a string contains a NUL character or a lone surrogate")
            continue
        if not isinstance(item, dict | list):
            continue
        if depth > MAX_JSON_DEPTH:
            raise BadJSON("depth", f"JSON is nested deeper than {MAX_JSON_DEPTH} levels")
        children = list(item.items()) if isinstance(item, dict) else [(None, v) for v in item]
        for key, child in children:
            if key is not None:
                stack.append((key, depth))
            stack.append((child, depth + 1))


def loads_bounded(text: str | bytes) -> Any:
    """``json.loads`` within the app's bounds; :class:`ValueError` (often :class:`BadJSON`) otherwise."""
    try:
        value = json.loads(text, parse_int=_bounded_int, parse_float=_bounded_float, parse_constant=_no_constants)
    except RecursionError as error:
        raise BadJSON("depth", f"JSON is nested deeper than {MAX_JSON_DEPTH} levels") from error
    check_json_value(value)
    return value


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider whose ``loads`` keeps to :func:`loads_bounded` (``request.get_json``)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads_bounded(s)


def _has_forbidden(values) -> bool:
    return any(isinstance(v, str) and _FORBIDDEN.search(v) for v in values)


def refuse_bad_input() -> None:
    """``before_request``: 400 for NUL or lone surrogates in the URL, query or form, and for bad JSON."""
    if _has_forbidden((request.view_args or {}).values()) or _has_forbidden(request.args.values()):
        raise BadRequest(_("The address contains a character that is not allowed."))
    if _has_forbidden(request.args.keys()):
        raise BadRequest(_("The address contains a character that is not allowed."))
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        from core.web.input import posted_form  # the input helper needs this module's bounds

        form = posted_form()
        if _has_forbidden(form.keys()) or _has_forbidden(v for _k, v in form.items(multi=True)):
            raise BadRequest(_("The form contains a character that is not allowed."))
        if _has_forbidden(f.filename or "" for f in request.files.values()):
            raise BadRequest(_("A file name contains a character that is not allowed."))
    elif request.is_json and request.content_length != 0:
        data = request.get_data(cache=True)
        if not data:
            return
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise BadRequest(_("The request body is not valid UTF-8.")) from error
        try:
            loads_bounded(text)
        except BadJSON as error:
            raise BadRequest(_json_refusal(error.kind)) from error
        except ValueError as error:
            raise BadRequest(_("The request body is not valid JSON.")) from error


def _json_refusal(kind: str) -> str:
    if kind == "depth":
        return _("The JSON body is nested deeper than %(depth)d levels.", depth=MAX_JSON_DEPTH)
    if kind == "number":
        return _("A number in the JSON body is too large.")
    return _("The JSON body contains a NUL character or a lone surrogate.")


def page_number(name: str = "page") -> int:
    """The page number in the query (1 when missing or not a number), at most :data:`MAX_PAGE`."""
    text = request.args.get(name, "")
    if not (text.isascii() and text.isdigit()) or len(text) > 7:
        return 1 if not (text.isascii() and text.isdigit()) else MAX_PAGE
    return min(max(int(text), 1), MAX_PAGE)


def parse_day(text: str | None) -> date | None:
    """A ``YYYY-MM-DD`` day between :data:`FIRST_DAY` and :data:`LAST_DAY`, or ``None`` for anything else."""
    if not text or not text.isascii():
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def parse_id(text: str | None) -> int | None:
    """An id typed or chosen in a form: ASCII digits up to :data:`MAX_ID`, or ``None``.

    ``"²".isdigit()`` is true and ``int("²")`` fails; ``"99999999999"`` fits no id column.
    """
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if number <= MAX_ID else None


def parse_month(text: str | None) -> str | None:
    """A ``YYYY-MM`` month within :data:`FIRST_DAY` … :data:`LAST_DAY`, or ``None`` for anything else."""
    text = (text or "").strip()
    if not text.isascii() or not re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", text):
        return None
    return text if FIRST_DAY.year <= int(text[:4]) <= LAST_DAY.year else None
