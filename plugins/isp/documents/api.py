"""A legal entity's invoices and acts in the API: ``/api/v1/isp/accounts/<account_id>/documents``."""

from __future__ import annotations

from flask import abort
from marshmallow import Schema, fields

from core.api import BEARER, current_tenant, require
from plugins.isp.common.blueprints import api
from plugins.isp.contracts.api_scope import ACCOUNT_PATH, NOT_FOUND, account_parameter, with_contract
from plugins.isp.documents import service
from plugins.isp.documents.views import pdf_response
from plugins.isp.models import Contract


class DocumentMonthSchema(Schema):
    period = fields.String(metadata={"description": "YYYY-MM"})
    title = fields.String(metadata={"description": "the month in the caller's language"})
    invoice = fields.Boolean(metadata={"description": "the invoice exists (always for a listed month)"})
    act = fields.Boolean(metadata={"description": "the act exists (once the month is over)"})


class DocumentsSchema(Schema):
    legal_entity = fields.Boolean(metadata={"description": "documents are issued to legal entities only"})
    months = fields.List(fields.Nested(DocumentMonthSchema))


@api.get(ACCOUNT_PATH + "/documents", parameters=account_parameter())
@require("isp.use")
@with_contract
@api.response(200, DocumentsSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.doc(security=BEARER)
def list_documents(contract: Contract):
    """The months with an invoice (and an act once the month is over), newest first."""
    tenant = current_tenant()
    months = service.periods(tenant, contract) if contract.is_legal else []
    return {
        "legal_entity": contract.is_legal,
        "months": [
            {"period": p, "title": service.month_title(p), "invoice": True, "act": service.act_ready(tenant, p)}
            for p in months
        ],
    }


@api.get(ACCOUNT_PATH + "/documents/<period>/<kind>.pdf", parameters=account_parameter())
@require("isp.use")
@with_contract
@api.alt_response(404, description=NOT_FOUND + "; or no such document (kind is invoice or act)")
@api.doc(security=BEARER, responses={200: {"description": "the PDF", "content": {"application/pdf": {}}}})
def document_pdf(contract: Contract, period: str, kind: str):
    """The invoice or the act of one month as PDF."""
    try:
        document = service.build_document(current_tenant(), contract, period, kind)
    except (service.DocumentError, ValueError):
        abort(404)
    return pdf_response(document)
