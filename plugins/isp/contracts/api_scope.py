"""What every isp API endpoint shares: the account in the path (the 409 refusal answer is core.api's).

Every endpoint lives under ``/api/v1/isp/accounts/<account_id>/…``, like core's
``/api/v1/accounts/<account_id>/…``: ``account_id`` is one of the caller's personal accounts
(``GET /api/v1/accounts`` lists them). Another user's or tenant's account, an unknown one, or one
without an ISP contract answers 404 JSON — before the body is read, so never 422 for it.

A refused action answers 409 ``core.api.RefusedSchema`` through ``core.api.refused_response``:
``{"code": "refused", "message": …, "reasons": [{"code", "message"}]}``.
"""

from __future__ import annotations

from functools import wraps

from flask import abort

from core.api import account_or_404
from plugins.isp.contracts.service import contract_of
from plugins.isp.models import Contract

ACCOUNT_PATH = "/accounts/<int:account_id>"

NO_CONTRACT = "this account has no ISP contract (GET /api/v1/accounts lists your accounts)"

NOT_FOUND = "not one of your accounts, or the account has no ISP contract"


def contract_or_404(account_id: int) -> Contract:
    """The ISP contract on the caller's account ``account_id``; 404 JSON if not theirs or without one."""
    contract = contract_of(account_or_404(account_id))
    if contract is None:
        abort(404, description=NO_CONTRACT)
    return contract


def with_contract(view):
    """Resolve the path's ``account_id`` to the caller's contract before the body is parsed.

    The view receives it as ``contract`` instead of ``account_id``; otherwise the answer is 404.
    """

    @wraps(view)
    def wrapped(*args, **kwargs):
        contract = contract_or_404(kwargs.pop("account_id"))
        return view(*args, contract=contract, **kwargs)

    return wrapped


def account_parameter() -> list[dict]:
    """The OpenAPI description of the path's ``account_id`` (pass as ``parameters=`` to a route)."""
    return [
        {
            "in": "path",
            "name": "account_id",
            "description": "one of your personal accounts (GET /api/v1/accounts); it must have an ISP contract",
        }
    ]
