"""The API side of a terminated contract: the mobile app may read, every change is refused (403)."""

from __future__ import annotations

from flask import abort, request
from flask_babel import gettext as _

from core.api import can, current_principal
from plugins.isp.common.blueprints import api
from plugins.isp.contracts.api_scope import contract_or_404
from plugins.isp.termination.service import is_closed


@api.before_request
def refuse_changes_on_closed_contract():
    """A change (POST, PUT, PATCH, DELETE) on a terminated contract's account answers core's JSON 403."""
    if request.method in ("GET", "HEAD", "OPTIONS") or current_principal() is None or not can("isp.use"):
        return None  # reading, or not a subscriber's action: the view's own checks answer (401/403/404)
    account_id = (request.view_args or {}).get("account_id")
    if account_id is None:
        return None
    if is_closed(contract_or_404(account_id)):
        abort(403, description=_("The contract is terminated; nothing can be changed."))
    return None
