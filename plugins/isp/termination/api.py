"""The API side of a terminated contract: the mobile app may read, every change is refused (403)."""

from __future__ import annotations

from flask import abort, request
from flask_babel import gettext as _

from core.api import current_account, current_principal
from plugins.isp.common.blueprints import api
from plugins.isp.contracts.service import contract_of
from plugins.isp.termination.service import is_closed


@api.before_request
def refuse_changes_on_closed_contract():
    """A change (POST, PUT, PATCH, DELETE) on a terminated contract answers core's JSON 403 with a message."""
    if request.method in ("GET", "HEAD", "OPTIONS") or current_principal() is None:
        return None
    contract = contract_of(current_account())
    if contract is None or not is_closed(contract):
        return None
    abort(403, description=_("The contract is terminated; nothing can be changed."))
