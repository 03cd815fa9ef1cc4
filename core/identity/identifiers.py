"""Login identifiers per tenant policy: contract number, e-mail or personal-account number."""

from __future__ import annotations

import re

LOGIN_CONTRACT = "contract"
LOGIN_EMAIL = "email"
LOGIN_ACCOUNT = "account"
LOGIN_POLICIES = (LOGIN_CONTRACT, LOGIN_EMAIL, LOGIN_ACCOUNT)
MAX_LOGIN_LENGTH = 254  # the longest login typed on a form or sent to the API (an e-mail address)

_SPACES = re.compile(r"\s+")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


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


def is_valid_email(value: str) -> bool:
    return bool(EMAIL_RE.match(value or ""))
