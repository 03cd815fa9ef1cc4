"""The confirmation link of a registration request: the request itself, signed, in the link.

Core's one-time tokens belong to a user, and a visitor has none yet; writing a row per request would also make
the request stage do different work for a real account number. So the link carries the request (tenant,
account number, name, e-mail) signed with the app's secret key and dated: only the owner of the mailbox can
follow it, for :data:`TTL`, and only on the tenant it was made for. Following it twice is harmless: the second
proof finds the flat already bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

TTL = timedelta(hours=24)
_SALT = "housing.registration"


@dataclass(frozen=True)
class RegistrationRequest:
    """What the visitor typed on the first form, carried by the mailed link."""

    tenant_id: int
    account_number: str
    full_name: str
    email: str


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def sign(request: RegistrationRequest) -> str:
    """The token to put in the confirmation link."""
    return _serializer().dumps([request.tenant_id, request.account_number, request.full_name, request.email])


def read(token: str, tenant_id: int) -> RegistrationRequest | None:
    """The request behind ``token`` if it is genuine, younger than :data:`TTL` and made for ``tenant_id``."""
    try:
        values = _serializer().loads(token, max_age=int(TTL.total_seconds()))
    except BadSignature:  # also SignatureExpired
        return None
    if not isinstance(values, list) or len(values) != 4 or values[0] != tenant_id:
        return None
    return RegistrationRequest(*values)
