"""Check digits and formats of Russian identifiers.

Every ``*_problem`` function takes the value as typed (spaces, hyphens and dots of SNILS allowed where a person
writes them) and returns ``None`` when it is valid, else a sentence in the reader's language saying what is
wrong. :func:`problem` looks a check up by its name (``"inn"``, ``"ogrnip"`` …).

The ОГРНИП check digit is the lowest digit of the remainder of the first 14 digits divided by 13 (``r % 10``):
a remainder of 10, 11 or 12 gives 0, 1 or 2 (some libraries compare the whole remainder and refuse those).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import pgettext

from plugins.dmdk.identifiers.okved import okved_title

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN11_WEIGHTS = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_ACCOUNT_WEIGHTS = ((7, 1, 3) * 8)[:23]  # the BIC's 3 digits + the account's 20
_KPP = re.compile(r"^\d{4}[0-9A-Z]{2}\d{3}$")
_OKVED = re.compile(r"^\d{2}(?:\.\d{1,2}(?:\.\d{1,2})?)?$")
_SNILS_SEPARATORS = re.compile(r"[\s-]")
_SNILS_WITHOUT_CHECK = 1_001_998  # numbers up to 001-001-998 were issued before the check sum


def _digits(value: str, lengths: tuple[int, ...], name: str) -> tuple[str | None, str | None]:
    """``(digits, None)`` when ``value`` is all digits of an allowed length, else ``(None, reason)``."""
    text = value.strip()
    if not text:
        return None, _("Enter the %(name)s.", name=name)
    if not text.isascii() or not text.isdigit():
        return None, _("The %(name)s must consist of digits only.", name=name)
    if len(text) not in lengths:
        wanted = _(" or ").join(str(n) for n in lengths)
        return None, _(
            "The %(name)s must have %(wanted)s digits, not %(count)s.", name=name, wanted=wanted, count=len(text)
        )
    return text, None


def _weighted(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False))


def inn_problem(value: str) -> str | None:
    """An ИНН: 10 digits (an organization) or 12 (a person or an individual entrepreneur) with check digits."""
    digits, reason = _digits(value, (10, 12), _("INN"))
    if digits is None:
        return reason
    if len(digits) == 10:
        ok = _weighted(digits, _INN10_WEIGHTS) % 11 % 10 == int(digits[9])
    else:
        ok = _weighted(digits, _INN11_WEIGHTS) % 11 % 10 == int(digits[10]) and _weighted(
            digits, _INN12_WEIGHTS
        ) % 11 % 10 == int(digits[11])
    return None if ok else _("The INN's check digit does not match: the number has a typo.")


def ogrn_problem(value: str) -> str | None:
    """An ОГРН: 13 digits; the last is the remainder of the first 12 divided by 11, its lowest digit."""
    digits, reason = _digits(value, (13,), _("OGRN"))
    if digits is None:
        return reason
    if digits[0] not in "15":
        return _("An OGRN starts with 1 or 5.")
    if int(digits[:12]) % 11 % 10 != int(digits[12]):
        return _("The OGRN's check digit does not match: the number has a typo.")
    return None


def ogrnip_problem(value: str) -> str | None:
    """An ОГРНИП: 15 digits starting with 3; the last is the lowest digit of the remainder of the first 14 / 13."""
    digits, reason = _digits(value, (15,), _("OGRNIP"))
    if digits is None:
        return reason
    if digits[0] != "3":
        return _("An OGRNIP starts with 3.")
    if int(digits[:14]) % 13 % 10 != int(digits[14]):
        return _("The OGRNIP's check digit does not match: the number has a typo.")
    return None


def kpp_problem(value: str) -> str | None:
    """A КПП: 4 digits (the tax office), 2 digits or capital Latin letters (the reason), 3 digits."""
    text = value.strip()
    if not text:
        return _("Enter the %(name)s.", name=_("KPP"))
    if not _KPP.match(text):
        return _(
            "A KPP has 9 characters: 4 digits, then 2 digits or capital Latin letters, then 3 digits "
            "(for example 770101001)."
        )
    return None


def okved_problem(value: str) -> str | None:
    """An ОКВЭД2 code: ``NN``, ``NN.N``, ``NN.NN``, ``NN.NN.N`` or ``NN.NN.NN``, present in the classifier."""
    text = value.strip()
    if not text:
        return _("Enter the %(name)s.", name=_("OKVED2 code"))
    if not _OKVED.match(text):
        return _("An OKVED2 code looks like 47.77 or 32.12.1: two digits, then up to two groups after dots.")
    if okved_title(text) is None:
        return _("There is no code %(code)s in the OKVED2 classifier.", code=text)
    return None


def bic_problem(value: str) -> str | None:
    """A БИК of a Russian bank: 9 digits starting with 04."""
    digits, reason = _digits(value, (9,), _("BIC"))
    if digits is None:
        return reason
    if not digits.startswith("04"):
        return _("A Russian bank's BIC starts with 04.")
    return None


def account_problem(account: str, bic: str) -> str | None:
    """A bank account (20 digits) whose key digit matches the bank's БИК (the Bank of Russia's method)."""
    digits, reason = _digits(account, (20,), pgettext("bank", "account number"))
    if digits is None:
        return reason
    bic_reason = bic_problem(bic)
    if bic_reason is not None:
        return bic_reason
    bic = bic.strip()
    # A bank's correspondent account (301…) and an account at a settlement centre of the Bank of Russia are keyed
    # with "0" and the BIC's 5th–6th digits; any other account with the BIC's last three digits.
    keyed_by_region = digits.startswith("301") or bic[6:9] in ("000", "001", "002")
    prefix = "0" + bic[4:6] if keyed_by_region else bic[6:9]
    total = sum(int(d) * w % 10 for d, w in zip(prefix + digits, _ACCOUNT_WEIGHTS, strict=True))
    if total % 10 != 0:
        return _("The account number does not match the bank's BIC: check both for a typo.")
    return None


def snils_problem(value: str) -> str | None:
    """A СНИЛС: 11 digits (``123-456-789 01`` is fine), the last two a check number of the first nine."""
    digits, reason = _digits(_SNILS_SEPARATORS.sub("", value), (11,), _("SNILS"))
    if digits is None:
        return reason
    number = int(digits[:9])
    if number <= _SNILS_WITHOUT_CHECK:
        return None
    total = sum(int(d) * (9 - i) for i, d in enumerate(digits[:9]))
    check = total % 101 % 100 if total > 101 else (0 if total >= 100 else total)
    if check != int(digits[9:]):
        return _("The SNILS check number does not match: the number has a typo.")
    return None


def normalize_snils(value: str) -> str:
    """SNILS as 11 digits (separators removed)."""
    return _SNILS_SEPARATORS.sub("", value)


CHECKS: dict[str, Callable[[str], str | None]] = {
    "inn": inn_problem,
    "ogrn": ogrn_problem,
    "ogrnip": ogrnip_problem,
    "kpp": kpp_problem,
    "okved": okved_problem,
    "bic": bic_problem,
    "snils": snils_problem,
}


def problem(kind: str, value: str) -> str | None:
    """What is wrong with ``value`` as an identifier of ``kind`` (a key of :data:`CHECKS`), or ``None``."""
    return CHECKS[kind](value)
