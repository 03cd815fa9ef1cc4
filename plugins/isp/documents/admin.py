"""Operator pages: a legal entity's invoice and act of any month, as the subscriber sees them."""

from __future__ import annotations

from flask import abort, render_template

from core.api import current_tenant, get_or_404, require
from plugins.isp.common.blueprints import web
from plugins.isp.documents import service
from plugins.isp.documents.views import pdf_response
from plugins.isp.models import Contract


@web.get("/admin/contracts/<int:contract_id>/documents")
@require("isp.contracts.view")
def admin_documents(contract_id: int):
    """The contract's months with links to the invoice and the act."""
    contract = get_or_404(Contract, contract_id)
    tenant = current_tenant()
    months = service.periods(tenant, contract) if contract.is_legal else []
    return render_template(
        "isp/documents/documents.html",
        contract=contract,
        months=[(period, service.month_title(period), service.act_ready(tenant, period)) for period in months],
        admin=True,
    )


@web.get("/admin/contracts/<int:contract_id>/documents/<period>/<kind>.pdf")
@require("isp.contracts.view")
def admin_document_pdf(contract_id: int, period: str, kind: str):
    contract = get_or_404(Contract, contract_id)
    try:
        document = service.build_document(current_tenant(), contract, period, kind)
    except (service.DocumentError, ValueError):
        abort(404)
    return pdf_response(document)
