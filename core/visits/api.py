"""Technician visits in the API (subscriber side): free slots, my visits, request, cancel, rate."""

from __future__ import annotations

from datetime import date

from flask import abort as http_abort
from flask import g
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate

from core.access.guard import current_principal, require
from core.db import session
from core.rest.lookup import BEARER, found_first
from core.tenants.urls import external_url
from core.visits import service, slots
from core.visits.settings import visit_settings
from core.web.input import Id

blueprint = Blueprint(
    "api_visits", __name__, url_prefix="/api/v1/visits", description="Technician visits (вызов мастера)"
)


class VisitSlotSchema(Schema):
    date = fields.Date()
    window = fields.String(metadata={"description": "hours, e.g. 09-12"})
    free = fields.Integer(metadata={"description": "how many more visits fit"})
    available = fields.Boolean()


class VisitReasonSchema(Schema):
    code = fields.String()
    title = fields.String()


class VisitPreferredSchema(Schema):
    date = fields.Date(required=True)
    window = fields.String(required=True, validate=validate.Length(min=1, max=20))


class VisitRequestSchema(Schema):
    account_id = Id(load_default=None, metadata={"description": "one of your personal accounts: its address is used"})
    address = fields.String(
        load_default="", validate=validate.Length(max=400), metadata={"description": "required without account_id"}
    )
    reason = fields.String(required=True, metadata={"description": "a code from GET /api/v1/visits/reasons"})
    description = fields.String(load_default="", validate=validate.Length(max=2000))
    preferred = fields.List(
        fields.Nested(VisitPreferredSchema),
        required=True,
        metadata={"description": "times that suit you, from GET /api/v1/visits/slots"},
    )


class VisitRateSchema(Schema):
    rating = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    comment = fields.String(load_default="", validate=validate.Length(max=500))


class VisitPhotoSchema(Schema):
    id = fields.Integer()
    filename = fields.String()
    url = fields.String()


class VisitSchema(Schema):
    id = fields.Integer()
    status = fields.String(metadata={"description": "requested, scheduled, done, not_done or cancelled"})
    address = fields.String()
    personal_account_id = fields.Integer(allow_none=True)
    reason = fields.String()
    reason_title = fields.String()
    description = fields.String()
    preferred = fields.List(fields.Nested(VisitPreferredSchema))
    slot_date = fields.Date(allow_none=True)
    slot_window = fields.String(allow_none=True)
    technician_name = fields.String(allow_none=True)
    result_comment = fields.String()
    rating = fields.Integer(allow_none=True)
    rating_comment = fields.String()
    can_cancel = fields.Boolean()
    can_rate = fields.Boolean()
    photos = fields.List(fields.Nested(VisitPhotoSchema))
    created_at = fields.DateTime()
    scheduled_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)


def _dump(visit) -> dict:
    user = current_principal()
    technician = service.people([visit]).get(visit.technician_id) if visit.technician_id else None
    return {
        "id": visit.id,
        "status": visit.status,
        "address": visit.address,
        "personal_account_id": visit.personal_account_id,
        "reason": visit.reason,
        "reason_title": service.reason_titles().get(visit.reason, visit.reason),
        "description": visit.description,
        "preferred": [{"date": date.fromisoformat(p["date"]), "window": p["window"]} for p in visit.preferred or []],
        "slot_date": visit.slot_date if visit.status != "requested" else None,
        "slot_window": visit.slot_window if visit.status != "requested" else None,
        "technician_name": technician.display_name if technician else None,
        "result_comment": visit.result_comment,
        "rating": visit.rating,
        "rating_comment": visit.rating_comment,
        "can_cancel": service.can_cancel(g.tenant, visit, user),
        "can_rate": service.can_rate(visit, user),
        "photos": [
            {"id": p.id, "filename": p.filename, "url": external_url(g.tenant, "files.download", file_id=p.id)}
            for p in service.photos(visit)
        ],
        "created_at": visit.created_at,
        "scheduled_at": visit.scheduled_at,
        "finished_at": visit.finished_at,
        "cancelled_at": visit.cancelled_at,
    }


def _refused(error: service.VisitError):
    abort(422, messages=error.errors)


@blueprint.get("/slots")
@require("visits.request")
@blueprint.response(200, VisitSlotSchema(many=True))
@blueprint.doc(security=BEARER)
def get_slots():
    """Every slot that can be asked for now (working days within the booking horizon); full ones unavailable."""
    grid = slots.grid(visit_settings(), slots.local_today(g.tenant))
    return [{"date": s.day, "window": s.window, "free": s.free, "available": s.available} for s in grid]


@blueprint.get("/reasons")
@require("visits.request")
@blueprint.response(200, VisitReasonSchema(many=True))
@blueprint.doc(security=BEARER)
def get_reasons():
    """Reasons to choose from."""
    return list(visit_settings().reasons)


@blueprint.get("")
@require("visits.request")
@blueprint.response(200, VisitSchema(many=True))
@blueprint.doc(security=BEARER)
def list_visits():
    """My visit requests, newest first."""
    return [_dump(v) for v in service.visits_of(current_principal())]


@blueprint.post("")
@require("visits.request")
@blueprint.arguments(VisitRequestSchema)
@blueprint.response(201, VisitSchema)
@blueprint.alt_response(422, description="invalid fields: `errors` says which (e.g. preferred.0.date)")
@blueprint.doc(security=BEARER)
def create_visit(payload):
    """Call a technician. Photos are attached on the website."""
    try:
        visit = service.request_visit(
            g.tenant,
            current_principal(),
            reason=payload["reason"],
            preferred=[(p["date"], p["window"]) for p in payload["preferred"]],
            account_id=payload["account_id"],
            address=payload["address"],
            description=payload["description"],
        )
    except service.VisitError as error:
        session.rollback()
        _refused(error)
    session.commit()
    return _dump(visit)


@blueprint.get("/<int:visit_id>")
@require("visits.request")
@blueprint.response(200, VisitSchema)
@blueprint.doc(security=BEARER)
def get_visit(visit_id: int):
    """One of my visits with its progress."""
    visit = service.visible_visit(current_principal(), visit_id)
    if visit is None:
        http_abort(404)
    return _dump(visit)


@blueprint.post("/<int:visit_id>/cancel")
@require("visits.request")
@found_first("visit_id", service.own_visit, as_kwarg="visit")
@blueprint.response(200, VisitSchema)
@blueprint.alt_response(409, description="the visit can no longer be cancelled")
@blueprint.doc(security=BEARER)
def cancel_visit(visit):
    """Cancel before the visit begins; a scheduled visit frees its slot."""
    try:
        visit = service.cancel(g.tenant, visit)
    except service.VisitStateError as error:
        session.rollback()
        http_abort(409, description=str(error))
    session.commit()
    return _dump(visit)


@blueprint.post("/<int:visit_id>/rate")
@require("visits.request")
@found_first("visit_id", service.own_visit, as_kwarg="visit")
@blueprint.arguments(VisitRateSchema)
@blueprint.response(200, VisitSchema)
@blueprint.alt_response(409, description="only a done visit can be rated, once")
@blueprint.doc(security=BEARER)
def rate_visit(payload, visit):
    """Rate a done visit from 1 to 5, once."""
    try:
        visit = service.rate(visit, payload["rating"], payload["comment"])
    except service.VisitError as error:
        session.rollback()
        _refused(error)
    except service.VisitStateError as error:
        session.rollback()
        http_abort(409, description=str(error))
    session.commit()
    return _dump(visit)
