"""Password hashing (argon2id) and random initial passwords an operator can dictate on the phone."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l

# Latin letters and digits without look-alikes (0/O/o, 1/l/I) so a password read from paper is typed right.
PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
MIN_PASSWORD_LENGTH = 8

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


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable (a translated sentence), or ``None``."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return str(_l("The password must be at least %(n)s characters long.", n=MIN_PASSWORD_LENGTH))
    if password.isdigit() or password.isalpha():
        return str(_l("The password must contain both letters and digits."))
    return None
