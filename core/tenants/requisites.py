"""Checks of Russian legal and bank requisites (INN, KPP, OGRN, BIC, settlement account key).

Used when a tenant's details are saved, so receipts never carry a number a bank app would refuse.
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"^\d+$")


def _digits(value: str, *lengths: int) -> bool:
    return bool(_DIGITS.match(value or "")) and len(value) in lengths


def _checksum(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def inn_is_valid(inn: str) -> bool:
    """INN of an organization (10 digits) or a person (12 digits), with its check digits."""
    if _digits(inn, 10):
        return _checksum(inn, (2, 4, 10, 3, 5, 9, 4, 6, 8)) == int(inn[9])
    if _digits(inn, 12):
        first = _checksum(inn, (7, 2, 4, 10, 3, 5, 9, 4, 6, 8))
        second = _checksum(inn, (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8))
        return first == int(inn[10]) and second == int(inn[11])
    return False


def kpp_is_valid(kpp: str) -> bool:
    return bool(re.match(r"^\d{4}[\dA-Z]{2}\d{3}$", kpp or ""))


def ogrn_is_valid(ogrn: str) -> bool:
    """OGRN (13 digits) or OGRNIP (15 digits) with its check digit."""
    if _digits(ogrn, 13):
        return int(ogrn[:12]) % 11 % 10 == int(ogrn[12])
    if _digits(ogrn, 15):
        return int(ogrn[:14]) % 13 % 10 == int(ogrn[14])
    return False


def bic_is_valid(bic: str) -> bool:
    return _digits(bic, 9) and bic.startswith("04")


_ACCOUNT_WEIGHTS = (7, 1, 3) * 7 + (7, 1)


def _account_key_ok(nine: str, account: str) -> bool:
    digits = nine + account
    return sum(int(d) * w for d, w in zip(digits, _ACCOUNT_WEIGHTS, strict=True)) % 10 == 0


def settlement_account_is_valid(account: str, bic: str) -> bool:
    """A 20-digit settlement account whose key digit matches the bank's BIC."""
    if not (_digits(account, 20) and bic_is_valid(bic)):
        return False
    return _account_key_ok(bic[-3:], account)


def correspondent_account_is_valid(account: str, bic: str) -> bool:
    """A 20-digit correspondent account (301…) whose key digit matches the BIC."""
    if not (_digits(account, 20) and bic_is_valid(bic)):
        return False
    return _account_key_ok("0" + bic[4:6], account)
