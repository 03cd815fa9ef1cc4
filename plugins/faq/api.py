"""FAQ in the API: ``GET /api/v1/faq``."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from core.api import get_or_404, require
from plugins.faq import service
from plugins.faq.models import FaqEntry

blueprint = Blueprint("api_faq", __name__, url_prefix="/api/v1/faq", description="Frequently asked questions")


class FaqEntrySchema(Schema):
    id = fields.Integer()
    question = fields.String()
    answer = fields.String()


@blueprint.get("")
@require("faq.read")
@blueprint.response(200, FaqEntrySchema(many=True))
@blueprint.doc(security=[{"bearer": []}])
def list_entries():
    """Published questions in display order."""
    return service.published_entries()


@blueprint.get("/<int:entry_id>")
@require("faq.read")
@blueprint.response(200, FaqEntrySchema)
@blueprint.doc(security=[{"bearer": []}])
def get_entry(entry_id: int):
    """One published question."""
    entry = get_or_404(FaqEntry, entry_id)
    if not entry.published:
        from flask import abort

        abort(404)
    return entry
