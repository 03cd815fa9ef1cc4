"""Password hashing (argon2id), the password policy, and random initial passwords an operator can dictate.

The policy follows OWASP ASVS 5.0 V6: a minimum length (longer for staff), no composition rules, and
no password from the list of common ones shipped in ``data/common-passwords.txt``.

Hashing uses the parameters of :class:`Argon2Parameters`, read from the app's config (``ARGON2_*``); a hash
made with other parameters still verifies, and the login stores a new one (:func:`needs_rehash`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

# Latin letters and digits without look-alikes (0/O/o, 1/l/I) so a password read from paper is typed right.
PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
MIN_PASSWORD_LENGTH = 8  # subscribers
MIN_STAFF_PASSWORD_LENGTH = 10  # operators and administrators
MAX_PASSWORD_LENGTH = 200  # argon2 hashes anything, but a bound keeps a login request small


@dataclass(frozen=True)
class Argon2Parameters:
    """The cost of one argon2id hash: ``memory_kib`` of memory, ``time_cost`` passes, ``parallelism`` lanes.

    The default is the first of the equivalent settings in the OWASP Password Storage Cheat Sheet
    (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id): "a minimum
    configuration of 19 MiB of memory, an iteration count of 2, and 1 degree of parallelism" — about 20–30 ms
    of one core per login, where argon2-cffi's default (64 MiB, t=3, p=4) cost ~240 ms. The cheat sheet's other
    rows trade memory for passes (m=46 MiB t=1, m=12 MiB t=3 …); set them with ``ABONENT_ARGON2_MEMORY_KIB``,
    ``ABONENT_ARGON2_TIME_COST`` and ``ABONENT_ARGON2_PARALLELISM``. Stored hashes made with other parameters
    keep working and are replaced at the user's next login.
    """

    memory_kib: int = 19 * 1024
    time_cost: int = 2
    parallelism: int = 1

    @classmethod
    def from_config(cls, config) -> Argon2Parameters:
        """The parameters in a Flask config (``ARGON2_MEMORY_KIB`` …), the defaults for those missing."""
        default = cls()
        return cls(
            int(config.get("ARGON2_MEMORY_KIB", default.memory_kib)),
            int(config.get("ARGON2_TIME_COST", default.time_cost)),
            int(config.get("ARGON2_PARALLELISM", default.parallelism)),
        )


@dataclass(frozen=True)
class _Hashing:
    hasher: PasswordHasher
    dummy_hash: str  # a real hash to verify against when the login is unknown, so both paths cost the same


@cache
def _hashing_for(parameters: Argon2Parameters) -> _Hashing:
    hasher = PasswordHasher(
        time_cost=parameters.time_cost,
        memory_cost=parameters.memory_kib,
        parallelism=parameters.parallelism,
        type=Type.ID,
    )
    return _Hashing(hasher, hasher.hash(secrets.token_urlsafe(16)))


def _hashing() -> _Hashing:
    """The hasher of the current app's parameters (the defaults outside an app)."""
    config = current_app.config if has_app_context() else {}
    return _hashing_for(Argon2Parameters.from_config(config))


def generate_password(length: int = 10) -> str:
    """A random password of Latin letters and digits without look-alikes, with at least one digit."""
    while True:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` with the app's :class:`Argon2Parameters`."""
    return _hashing().hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check ``password``; with ``password_hash=None`` burn the same time and return False.

    A CPU-bound call (tens of milliseconds): run it outside a write transaction (see ``authenticate``).
    """
    hashing = _hashing()
    try:
        return hashing.hasher.verify(password_hash or hashing.dummy_hash, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when ``password_hash`` was made with other parameters than the app's (then store a new hash)."""
    try:
        return _hashing().hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


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
