"""Card gateway pages: PayKeeper's notification endpoint, the demo sandbox and the return page."""

from __future__ import annotations

import re
import secrets

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema
from sqlalchemy import select

from core.access.guard import current_principal, public, require
from core.access.service import has_permission
from core.accounts.service import user_may_use
from core.db import session
from core.extensions import csrf
from core.money.format import format_money
from core.payments import paykeeper
from core.payments.models import CARD, CREATED, MOVED, POSTED, SUSPENSE, Payment
from core.tenants.urls import external_url
from core.web.input import Text, posted_form, read_form

blueprint = Blueprint("gateway", __name__, url_prefix="/payments")

# Staff who may look at any account's orders; a subscriber sees the orders of accounts they may use.
STAFF_PERMISSION = "accounts.view"

STATUS_LABELS = {
    CREATED: _l("waiting for the bank's confirmation"),
    POSTED: _l("received, the money is on the account"),
    SUSPENSE: _l("received, being checked by the provider"),
    MOVED: _l("received, the money is on the account"),
}
_PAYMENT_ID = re.compile(r"[0-9]{6,20}")


def _order_or_404(order_id: str) -> Payment:
    """The current tenant's card order, if the logged-in user may see it; 404 otherwise."""
    payment = session.scalar(select(Payment).where(Payment.order_id == order_id, Payment.channel == CARD))
    if payment is None:
        abort(404)
    user = current_principal()
    if has_permission(user, STAFF_PERMISSION):
        return payment
    if payment.personal_account_id is not None and user_may_use(user, payment.personal_account_id) is not None:
        return payment
    abort(404)


def _sandbox_settings_or_404() -> dict:
    settings = paykeeper.paykeeper_settings()
    if not settings["enabled"] or not paykeeper.sandbox_active(settings):
        abort(404)
    return settings


class SandboxPayment(Schema):
    """The sandbox's Pay button: the payment id it shows, so paying twice reports one payment twice."""

    payment_id = Text(20)


@blueprint.post("/paykeeper/notify")
@public
@csrf.exempt
def paykeeper_notify():
    """PayKeeper's server-to-server notification of a payment (form POST); answers plain text."""
    status, body = paykeeper.handle_notification(posted_form().to_dict(flat=True), request.remote_addr or "")
    session.commit()
    return Response(body, status=status, mimetype="text/plain")


@blueprint.route("/sandbox/<order_id>", methods=["GET", "POST"])
@require()
def sandbox(order_id: str):
    """The demo's stand-in for PayKeeper's card form; paying sends a real notification to this site."""
    settings = _sandbox_settings_or_404()
    payment = _order_or_404(order_id)
    done_url = url_for("gateway.payment_return", order_id=payment.order_id)
    if request.method == "GET":
        return render_template(
            "payments/sandbox.html",
            payment=payment,
            amount=format_money(payment.amount),
            payment_id=str(10**11 + secrets.randbelow(9 * 10**11)),
            paid=payment.status != CREATED,
            done_url=done_url,
        )
    if payment.status != CREATED:
        return redirect(done_url)
    # The form carries its payment id, so submitting it twice reports one payment twice (posted once).
    payment_id = read_form(SandboxPayment()).values.get("payment_id", "")
    if not _PAYMENT_ID.fullmatch(payment_id):
        payment_id = str(10**11 + secrets.randbelow(9 * 10**11))
    fields = paykeeper.sandbox_notification(settings, payment, payment_id)
    notify_url = external_url(g.tenant, "gateway.paykeeper_notify")
    # End this request's transaction before calling ourselves: on SQLite it holds the write lock
    # the notification needs.
    session.commit()
    status, body = paykeeper.sender()(notify_url, fields)
    if status != 200 or not body.startswith("OK "):
        flash(
            _("The test payment was not confirmed (%(status)s: %(reason)s).", status=status, reason=body[:200]), "error"
        )
    return redirect(done_url)


@blueprint.get("/return/<order_id>")
@require()
def payment_return(order_id: str):
    """Where the subscriber lands after paying: the order's status (reload to see it change)."""
    payment = _order_or_404(order_id)
    return render_template(
        "payments/return.html",
        payment=payment,
        amount=format_money(payment.amount),
        status=str(STATUS_LABELS.get(payment.status, payment.status)),
        waiting=payment.status == CREATED,
    )
