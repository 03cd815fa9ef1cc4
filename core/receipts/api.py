"""Receipts in the API: ``GET /api/v1/accounts/<account_id>/receipt`` (amounts and the payment QR text) and
``…/receipt.pdf`` (the A4 PDF), for any month. Registered through core's money hooks (``register_api``).
"""

from __future__ import annotations

from flask import Response, abort, g, url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from core.access.guard import require
from core.accounts.service import user_may_use
from core.money.api import MONTH, OwedSchema
from core.receipts.model import build_receipt
from core.receipts.views import render_receipt_pdf
from core.rest.lookup import BEARER, found_first
from core.tenants.current import current_tenant

blueprint = Blueprint(
    "api_receipts", __name__, url_prefix="/api/v1/accounts", description="Receipts for a month, with the payment QR"
)

own_account = found_first("account_id", user_may_use, as_kwarg="account")


class ReceiptQuery(Schema):
    period = fields.String(load_default=None, validate=MONTH, metadata={"description": "YYYY-MM; default: this month"})


class ReceiptSchema(Schema):
    period = fields.String()
    period_label = fields.String()
    opening_balance = fields.Integer(metadata={"description": "kopecks"})
    charges_total = fields.Integer()
    payments_total = fields.Integer()
    closing_balance = fields.Integer()
    amount_due = fields.Integer(metadata={"description": "kopecks to pay, a promised credit included"})
    owed = fields.List(fields.Nested(OwedSchema))
    purpose = fields.String()
    qr_payload = fields.String(allow_none=True, metadata={"description": "GOST R 56042 payment QR text"})
    pdf_url = fields.String(metadata={"description": "the receipt as PDF"})


def _receipt(account, period: str | None):
    today = current_tenant().today()
    try:
        return build_receipt(g.tenant, account, period or f"{today.year:04d}-{today.month:02d}")
    except ValueError:
        abort(422, description="a period as YYYY-MM")


@blueprint.get("/<int:account_id>/receipt")
@require("cabinet.use")
@own_account
@blueprint.arguments(ReceiptQuery, location="query")
@blueprint.response(200, ReceiptSchema)
@blueprint.doc(security=BEARER)
def get_receipt(query, account):
    """The receipt for a month (``period``, default this month): amounts, the payment QR text and the PDF's URL."""
    data = _receipt(account, query["period"])
    return {
        "period": data.period,
        "period_label": data.period_label,
        "opening_balance": data.opening_balance,
        "charges_total": data.charges_total,
        "payments_total": data.payments_total,
        "closing_balance": data.closing_balance,
        "amount_due": data.amount_due,
        "owed": [{"amount": o.amount, "due_on": o.due_on, "title": o.title} for o in data.owed],
        "purpose": data.purpose,
        "qr_payload": data.qr_payload,
        "pdf_url": url_for("api_receipts.get_receipt_pdf", account_id=account.id, period=data.period),
    }


@blueprint.get("/<int:account_id>/receipt.pdf")
@require("cabinet.use")
@own_account
@blueprint.arguments(ReceiptQuery, location="query")
@blueprint.response(200, content_type="application/pdf", description="the receipt as an A4 PDF")
@blueprint.doc(security=BEARER)
def get_receipt_pdf(query, account):
    """The receipt for a month (``period``, default this month) as an A4 PDF with the payment QR code."""
    data = _receipt(account, query["period"])
    filename = f"receipt-{data.payer.account_number}-{data.period}.pdf"
    return Response(
        render_receipt_pdf(data),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )
