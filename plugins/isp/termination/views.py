"""The subscriber's side of a terminated contract: the cabinet stays readable, every change is refused.

The seed: "after the application is processed the service stops" — the login is kept so the
subscriber can read the final statement (balance, receipts, payments). A terminated contract's
subscriber pages answer a change (any POST) with a page that says the contract is terminated.
"""

from __future__ import annotations

from flask import render_template, request

from core.api import current_account, current_principal
from plugins.isp.common.blueprints import web
from plugins.isp.contracts.service import contract_of
from plugins.isp.termination.service import is_closed


@web.before_request
def refuse_changes_on_closed_contract():
    """Refuse (403) a subscriber's change on the ISP pages when the current contract is terminated."""
    if request.method in ("GET", "HEAD", "OPTIONS") or request.path.startswith(f"{web.url_prefix}/admin"):
        return None
    if "/admin/" in request.path or current_principal() is None:
        return None
    contract = contract_of(current_account())
    if contract is None or not is_closed(contract):
        return None
    return render_template("isp/termination/closed.html", contract=contract), 403
