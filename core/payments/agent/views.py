"""The payment agent's endpoint: ``/payments/agent/osmp`` on the tenant's site (GET or POST).

Before the protocol is spoken the caller must come from an address on the tenant's allow-list and
give the agent's login and password (HTTP basic authentication); otherwise the answer is HTTP 403 or
401 with result 300. Every request, served or refused, is kept in the gateway log (no password: it
travels in a header). A database failure answers result 1, so the agent repeats later.
"""

from __future__ import annotations

import hmac
import ipaddress

from flask import Blueprint, Response, abort, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import BadRequest, MethodNotAllowed, RequestEntityTooLarge

from core.access.guard import public
from core.db import session
from core.extensions import csrf
from core.payments.agent import protocol
from core.payments.agent.protocol import OTHER, TEMPORARY, ProtocolError, response_xml, safe_txn_id
from core.payments.agent.service import agent_settings, check, pay
from core.payments.agent.settings import networks
from core.payments.models import GatewayNotification
from core.web.input import posted_form

blueprint = Blueprint("payment_agent", __name__, url_prefix="/payments/agent")

PROVIDER = "agent"
_LOGGED_FIELDS = 10
_LOGGED_VALUE = 200


def _xml(body: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(body, status=status, mimetype="text/xml", headers=headers)


def _params() -> dict[str, str]:
    params = request.args.to_dict(flat=True)
    if request.method == "POST":
        params |= posted_form().to_dict(flat=True)
    return params


def _log(params: dict[str, str], outcome: str, reason: str = "") -> None:
    kept = {str(k)[:40]: str(v)[:_LOGGED_VALUE] for k, v in list(params.items())[:_LOGGED_FIELDS]}
    session.add(
        GatewayNotification(
            provider=PROVIDER,
            remote_addr=(request.remote_addr or "")[:45],
            payload=kept,
            outcome=outcome,
            reason=reason[:300],
        )
    )


def _address_allowed(allowed: str) -> bool:
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
        return any(address in network for network in networks(allowed))
    except ValueError:
        return False


def _credentials_ok(settings) -> bool:
    auth = request.authorization
    if not settings["login"] or not settings["password"] or auth is None or auth.type != "basic":
        return False
    login_ok = hmac.compare_digest((auth.username or "").encode(), settings["login"].encode())
    password_ok = hmac.compare_digest((auth.password or "").encode(), settings["password"].encode())
    return login_ok and password_ok


@blueprint.errorhandler(BadRequest)
@blueprint.errorhandler(MethodNotAllowed)
@blueprint.errorhandler(RequestEntityTooLarge)
def refused_request(error):
    """A request the app refuses before the view (a NUL byte, a bad body …) still gets a protocol answer."""
    return _xml(response_xml(OTHER, comment="invalid request"))


@blueprint.route("/osmp", methods=["GET", "POST"])
@public
@csrf.exempt
def osmp():
    """The agent's ``check`` and ``pay`` requests (OSMP protocol); answers the protocol's XML."""
    settings = agent_settings()
    if not settings["enabled"]:
        abort(404)
    params = _params()
    txn_id = safe_txn_id(params)
    if not _address_allowed(settings["allowed_ips"]):
        _log(params, "refused", "address not allowed")
        session.commit()
        return _xml(response_xml(OTHER, txn_id=txn_id, comment="address not allowed"), 403)
    if not _credentials_ok(settings):
        _log(params, "refused", "bad credentials")
        session.commit()
        challenge = {"WWW-Authenticate": 'Basic realm="payments", charset="UTF-8"'}
        return _xml(response_xml(OTHER, txn_id=txn_id, comment="authentication required"), 401, challenge)
    try:
        parsed = protocol.parse_request(params)
        outcome = pay(parsed, settings) if parsed.command == "pay" else check(parsed, settings)
    except ProtocolError as error:
        session.rollback()
        _log(params, "refused", f"{error.code}: {error.comment}")
        session.commit()
        return _xml(response_xml(error.code, txn_id=txn_id, comment=error.comment))
    except SQLAlchemyError:
        session.rollback()
        return _xml(response_xml(TEMPORARY, txn_id=txn_id))
    if parsed.command == "pay":
        _log(params, "duplicate" if outcome.repeat else "posted", f"prv_txn {outcome.prv_txn}")
    else:
        _log(params, "checked")
    session.commit()
    return _xml(response_xml(protocol.OK, txn_id=txn_id, prv_txn=outcome.prv_txn, amount=outcome.amount))
