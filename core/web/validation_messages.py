"""marshmallow's validation messages in the reader's language.

marshmallow writes its messages in English with the values already filled in ("Longer than maximum length 64.").
Each known message is listed here once as a template, marked for extraction; :func:`translate_message` finds the
template a message was made from, translates the template and fills the same values back in. Any other message is
looked up as it is, so a schema can give its own messages marked with ``N_`` (``error_messages={"required":
N_("Enter the question.")}``); one that is already translated passes through unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from flask_babel import gettext

from core.i18n import N_

#: Every message marshmallow 4 can produce, with its placeholders. A test checks this list against marshmallow's own.
TEMPLATES: tuple[str, ...] = (
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Invalid value."),
    N_("Invalid input."),
    N_("Invalid input type."),
    N_("Invalid type."),
    N_("Unknown field."),
    N_("Not a valid string."),
    N_("Not a valid utf-8 string."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Number too large."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("Not a valid boolean."),
    N_("Not a valid date."),
    N_("Not a valid datetime."),
    N_("Not a valid time."),
    N_("Not a valid naive datetime."),
    N_("Not a valid aware datetime."),
    N_("Not a valid naive time."),
    N_("Not a valid aware time."),
    N_("Not a valid period of time."),
    N_("Not a valid email address."),
    N_("Not a valid URL."),
    N_("Not a valid UUID."),
    N_("Not a valid IP address."),
    N_("Not a valid IPv4 address."),
    N_("Not a valid IPv6 address."),
    N_("Not a valid IP interface."),
    N_("Not a valid IPv4 interface."),
    N_("Not a valid IPv6 interface."),
    N_("Not a valid list."),
    N_("Not a valid tuple."),
    N_("Not a valid mapping type."),
    N_("Not a valid delimited list."),
    N_("Not a valid delimited tuple."),
    N_("String does not match expected pattern."),
    N_("Shorter than minimum length %(min)s."),
    N_("Longer than maximum length %(max)s."),
    N_("Length must be between %(min)s and %(max)s."),
    N_("Length must be %(equal)s."),
    N_("Must be equal to %(other)s."),
    N_("Must be one of: %(choices)s."),
    N_("One or more of the choices you made was not in: %(choices)s."),
    N_("One or more of the choices you made was in: %(values)s."),
    N_("Must be greater than or equal to %(min)s."),
    N_("Must be greater than %(min)s."),
    N_("Must be less than or equal to %(max)s."),
    N_("Must be less than %(max)s."),
    N_("Must be greater than or equal to %(min)s and less than or equal to %(max)s."),
    N_("Must be greater than %(min)s and less than or equal to %(max)s."),
    N_("Must be greater than or equal to %(min)s and less than %(max)s."),
    N_("Must be greater than %(min)s and less than %(max)s."),
    N_("Contains a character that is not allowed."),
)

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """One anchored pattern per template, the longest first so "between … and …" wins over its prefixes."""
    compiled = []
    for template in sorted(TEMPLATES, key=len, reverse=True):
        parts = _PLACEHOLDER.split(template)
        # split() alternates literal text and placeholder names: literal, name, literal, name, …
        regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts))
        compiled.append((re.compile(f"^{regex}$", re.DOTALL), template))
    return tuple(compiled)


def translate_message(message: str) -> str:
    """``message`` in the current language: marshmallow's own by template, any other as it is."""
    for pattern, template in _patterns():
        match = pattern.match(message)
        if match:
            return gettext(template, **match.groupdict())
    return gettext(message)


def translate_errors(errors: Any) -> Any:
    """marshmallow's error structure (dicts of lists of strings, nested) with every message translated."""
    if isinstance(errors, str):
        return translate_message(errors)
    if isinstance(errors, Mapping):
        return {key: translate_errors(value) for key, value in errors.items()}
    if isinstance(errors, list | tuple):
        return [translate_errors(value) for value in errors]
    return str(errors)  # a lazy string: resolved in the current language
