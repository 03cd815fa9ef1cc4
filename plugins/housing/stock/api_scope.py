"""What every housing API endpoint shares: the account in the path, and the flat and meter it leads to.

Endpoints live under ``/api/v1/housing/accounts/<account_id>/…``, like core's ``/api/v1/accounts/<account_id>``:
``account_id`` is one of the caller's personal accounts (``GET /api/v1/housing/flats`` lists those bound to a
flat). Another user's or tenant's account, an unknown one, one bound to no flat, and a meter of another flat all
answer 404 JSON — before the body is read, so never 422 for them.
"""

from __future__ import annotations

from functools import wraps

from flask import abort

from core.api import account_or_404
from plugins.housing.models import Premises
from plugins.housing.stock.flats import flat_of, meters_of

ACCOUNT_PATH = "/accounts/<int:account_id>"
METER_PATH = ACCOUNT_PATH + "/meters/<int:meter_id>"

NO_FLAT = "this account is bound to no flat (GET /api/v1/housing/flats lists your flats)"
NOT_FOUND = "not one of your accounts, or the account is bound to no flat"
NO_METER = "no such meter in this account's flat"


def flat_or_404(account_id: int) -> Premises:
    """The flat of the caller's account ``account_id``; 404 JSON if not theirs or bound to no flat."""
    flat = flat_of(account_or_404(account_id).id)
    if flat is None:
        abort(404, description=NO_FLAT)
    return flat


def with_flat(view):
    """Resolve the path's ``account_id`` to the caller's flat (the view gets ``flat``), else 404."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        return view(*args, flat=flat_or_404(kwargs.pop("account_id")), **kwargs)

    return wrapped


def with_meter(view):
    """Resolve ``account_id`` and ``meter_id`` to a meter in use in the caller's flat (the view gets ``meter``)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        flat = flat_or_404(kwargs.pop("account_id"))
        meter_id = kwargs.pop("meter_id")
        meter = next((m for m in meters_of(flat) if m.id == meter_id), None)
        if meter is None:
            abort(404, description=NO_METER)
        return view(*args, meter=meter, **kwargs)

    return wrapped


def account_parameter(meter: bool = False) -> list[dict]:
    """The OpenAPI description of the path's ids (pass as ``parameters=`` to a route)."""
    parameters = [
        {
            "in": "path",
            "name": "account_id",
            "description": "one of your personal accounts bound to a flat (GET /api/v1/housing/flats)",
        }
    ]
    if meter:
        parameters.append(
            {"in": "path", "name": "meter_id", "description": "a meter of that flat (GET …/meters lists them)"}
        )
    return parameters
