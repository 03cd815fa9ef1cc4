"""Password hashing (argon2id), the password policy, and random initial passwords an operator can dictate.

The policy follows OWASP ASVS 5.0 V6: a minimum length (longer for staff), no composition rules, and
no password from the list of common ones shipped in ``data/common-passwords.txt``.
"""

from __future__ import annotations

import secrets
from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l

# Latin letters and digits without look-alikes (0/O/o, 1/l/I) so a password read from paper is typed right.
PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
MIN_PASSWORD_LENGTH = 8  # subscribers
MIN_STAFF_PASSWORD_LENGTH = 10  # operators and administrators
MAX_PASSWORD_LENGTH = 200  # argon2 hashes anything, but a bound keeps a login request small

_hasher = PasswordHasher()
# A real hash to verify against when the login is unknown, so both paths cost the same.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def generate_password(length: int = 10) -> str:
    """A random password of Latin letters and digits without look-alikes, with at least one digit."""
    while True:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check ``password``; with ``password_hash=None`` burn the same time and return False."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-case (read once per process)."""
    text = files("core.identity").joinpath("data/common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def min_password_length(*, staff: bool) -> int:
    """The shortest password allowed: longer for staff, whose accounts can do more harm."""
    return MIN_STAFF_PASSWORD_LENGTH if staff else MIN_PASSWORD_LENGTH


def password_problem(password: str, *, staff: bool = False, login: str | None = None) -> str | None:
    """Why a new password is not acceptable (a translated sentence), or ``None``.

    ``staff`` asks for the staff minimum length; ``login`` refuses the login itself as a password.
    """
    minimum = min_password_length(staff=staff)
    if len(password) < minimum:
        return str(_l("The password must be at least %(n)s characters long.", n=minimum))
    if len(password) > MAX_PASSWORD_LENGTH:
        return str(_l("The password must be at most %(n)s characters long.", n=MAX_PASSWORD_LENGTH))
    folded = password.casefold()
    if folded in common_passwords() or (login and folded == login.casefold()):
        return str(_l("This password is too common and easy to guess. Choose another one."))
    return None
