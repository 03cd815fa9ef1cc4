"""The УИН (unique identification number) of a batch: 16 digits, the last one a check digit.

Design: 15 digits and a Luhn (mod 10) check digit computed over them — the scheme of bank card numbers, which
catches every single mistyped digit and almost every swap of two neighbouring digits. A generated УИН starts
with a non-zero digit (a spreadsheet never drops a leading zero from it) and is random, so it says nothing about
the organization or the order of registration. A УИН given by the operator (typed, or in an imported file) must
have the same form. Spaces and hyphens between groups of digits are ignored (``1234 5678 9012 3452``).

A УИН is unique in a tenant (a unique constraint on ``(tenant_id, uin)``); :func:`generate` draws again when the
number is taken.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from flask_babel import gettext as _

LENGTH = 16
_SEPARATORS = re.compile(r"[\s-]")


def check_digit(payload: str) -> int:
    """The Luhn check digit of ``payload`` (the first 15 digits of a УИН)."""
    total = 0
    for position, char in enumerate(reversed(payload)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def normalize(text: str) -> str:
    """The УИН as typed without the spaces and hyphens between groups."""
    return _SEPARATORS.sub("", text or "")


def problem(text: str) -> str | None:
    """``None`` when ``text`` is a well-formed УИН (separators allowed), else what is wrong, in the reader's
    language."""
    value = normalize(text)
    if not value:
        return _("Enter the UIN: 16 digits.")
    if not value.isascii() or not value.isdigit():
        return _("The UIN consists of digits only.")
    if len(value) != LENGTH:
        return _("The UIN has 16 digits, not %(count)s.", count=len(value))
    if check_digit(value[:-1]) != int(value[-1]):
        return _("The last digit of the UIN does not match the others: check the number for a typo.")
    return None


def generate(taken: Callable[[str], bool], attempts: int = 20) -> str:
    """A new random УИН for which ``taken(uin)`` is false."""
    for _attempt in range(attempts):
        payload = str(secrets.randbelow(9 * 10**14) + 10**14)
        uin = payload + str(check_digit(payload))
        if not taken(uin):
            return uin
    raise RuntimeError("no free UIN found")  # 10^15 numbers: never in practice


def grouped(uin: str) -> str:
    """``1234567890123452`` → ``1234 5678 9012 3452`` for reading."""
    return " ".join(uin[i : i + 4] for i in range(0, len(uin), 4))
