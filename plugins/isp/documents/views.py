"""Subscriber pages of a legal entity's documents: the months, and each month's invoice and act as PDF."""

from __future__ import annotations

from flask import Response, abort, render_template

from core.api import current_account, current_tenant, require
from plugins.isp.common.blueprints import web
from plugins.isp.contracts.service import contract_of
from plugins.isp.documents import service


def pdf_response(document: service.LegalDocument) -> Response:
    """The document's PDF, shown in the browser (a file name for saving)."""
    return Response(
        service.render_pdf(document),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{service.filename(document)}"'},
    )


@web.get("/documents")
@require("isp.use")
def documents():
    """The months of a legal entity's contract with links to the invoice and the act."""
    contract = contract_of(current_account())
    if contract is None:
        return render_template("isp/contracts/services_none.html")
    tenant = current_tenant()
    months = service.periods(tenant, contract) if contract.is_legal else []
    return render_template(
        "isp/documents/documents.html",
        contract=contract,
        months=[(period, service.month_title(period), service.act_ready(tenant, period)) for period in months],
    )


@web.get("/documents/<period>/<kind>.pdf")
@require("isp.use")
def document_pdf(period: str, kind: str):
    """The invoice or the act of one month; 404 for anything that does not exist."""
    contract = contract_of(current_account())
    if contract is None:
        abort(404)
    try:
        document = service.build_document(current_tenant(), contract, period, kind)
    except (service.DocumentError, ValueError):
        abort(404)
    return pdf_response(document)
