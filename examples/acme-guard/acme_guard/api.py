"""acme_guard in the API: ``GET /api/v1/acme-guard`` (it appears in the site's ``/api/v1/openapi.json``)."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from core.api import BEARER, get_or_404, require

from acme_guard import service
from acme_guard.models import AcmeGuardItem

blueprint = Blueprint("api_acme_guard", __name__, url_prefix="/api/v1/acme-guard", description="Acme guard")


class AcmeGuardItemSchema(Schema):
    """One item, as the API shows it."""

    id = fields.Integer()
    title = fields.String()
    note = fields.String()


@blueprint.get("")
@require("acme_guard.read")
@blueprint.response(200, AcmeGuardItemSchema(many=True))
@blueprint.doc(security=BEARER)
def list_items():
    """The tenant's items, newest first."""
    return service.items()


@blueprint.get("/<int:item_id>")
@require("acme_guard.read")
@blueprint.response(200, AcmeGuardItemSchema)
@blueprint.doc(security=BEARER)
def get_item(item_id: int):
    """One item (another tenant's id answers 404)."""
    return get_or_404(AcmeGuardItem, item_id)
