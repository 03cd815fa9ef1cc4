"""Login identifiers per tenant policy: contract number, e-mail or personal-account number."""

from __future__ import annotations

import re

from core.mail.addresses import EMAIL_RE, is_valid_email
from core.tenants.login_policies import LOGIN_ACCOUNT, LOGIN_CONTRACT, LOGIN_EMAIL, LOGIN_POLICIES

__all__ = [
    "EMAIL_RE",
    "LOGIN_ACCOUNT",
    "LOGIN_CONTRACT",
    "LOGIN_EMAIL",
    "LOGIN_POLICIES",
    "MAX_LOGIN_LENGTH",
    "is_valid_email",
    "normalize_email",
    "normalize_login",
]

MAX_LOGIN_LENGTH = 254  # the longest login typed on a form or sent to the API (an e-mail address)

_SPACES = re.compile(r"\s+")


def normalize_login(policy: str, raw: str) -> str:
    """The stored form of a login: spaces stripped; case folded for e-mail and contract numbers.

    Contract and account numbers are typed from paper, so inner spaces (``"12 345"``) are dropped too.
    """
    value = (raw or "").strip()
    if policy == LOGIN_EMAIL:
        return value.casefold()
    return _SPACES.sub("", value).casefold()


def normalize_email(raw: str) -> str:
    return (raw or "").strip().casefold()
