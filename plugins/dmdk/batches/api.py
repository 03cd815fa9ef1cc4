"""Batches and transfer specifications in the JSON API: ``/api/v1/dmdk/organizations/<organization_id>/…``,
and the public УИН lookup ``/api/v1/dmdk/uin?uin=…``.

The caller must hold the batch operations role in the organization of the path; another organization's (or
tenant's) organization, batch or specification answers 404 — before the body is read, so never 422 for them. The
rules are the pages' (the same services): a refused action answers 409 with its reasons (stable codes).
"""

from __future__ import annotations

from functools import wraps

from flask import request
from flask_babel import gettext as _
from flask_smorest import abort
from marshmallow import Schema, fields, validate

from core.api import (
    BEARER,
    RefusedSchema,
    current_principal,
    keyset_page,
    public,
    require,
    session,
    throttle,
    writes_on_get,
)
from plugins.dmdk.batches import service, terms, transfers
from plugins.dmdk.batches.access import batch_or_404, batches_organization_or_404, specification_or_404
from plugins.dmdk.batches.forms import BatchForm, LookupForm, ReasonForm, SpecificationForm, batch_input
from plugins.dmdk.batches.lookup import look_up
from plugins.dmdk.batches.models import Batch, Specification
from plugins.dmdk.common.blueprints import api

ORG = "/organizations/<int:organization_id>"
BATCH = ORG + "/batches/<int:batch_id>"
SPEC = ORG + "/specifications/<int:specification_id>"
PAGE_SIZE = 100

NOT_FOUND = "no such organization where you hold the batch operations role, or not its batch or specification"
ORGANIZATION_PARAMETER = {
    "in": "path",
    "name": "organization_id",
    "description": "an organization where you hold the batch operations role",
}
BATCH_PARAMETER = {"in": "path", "name": "batch_id", "description": "one of the organization's batches"}
SPEC_PARAMETER = {
    "in": "path",
    "name": "specification_id",
    "description": "a specification the organization sent, or received",
}


# --- schemas -----------------------------------------------------------------------------------------------------


class BatchSchema(Schema):
    id = fields.Integer()
    uin = fields.String(metadata={"description": "16 digits"})
    kind = fields.String(metadata={"description": "one of: " + ", ".join(terms.KINDS)})
    kind_text = fields.String(metadata={"description": "the kind in words, in the caller's language"})
    name = fields.String()
    metal = fields.String(metadata={"description": "one of: " + ", ".join(terms.METALS)})
    metal_text = fields.String()
    fineness = fields.String(metadata={"description": 'parts per thousand: "585", "999.9"'})
    weight = fields.String(metadata={"description": 'grams to the milligram: "12.345"'})
    count = fields.Integer()
    status = fields.String(metadata={"description": "one of: " + ", ".join(terms.STATUSES)})
    status_text = fields.String()
    specification_id = fields.Integer(
        allow_none=True, metadata={"description": "the specification holding the batch (draft or sent)"}
    )
    write_off_reason = fields.String()
    created_at = fields.DateTime()
    registered_at = fields.DateTime(allow_none=True)
    written_off_at = fields.DateTime(allow_none=True)


class BatchListSchema(Schema):
    batches = fields.List(fields.Nested(BatchSchema), metadata={"description": "newest first"})
    total = fields.Integer()
    next = fields.String(allow_none=True, metadata={"description": "pass as ?after= for the next page"})


class BatchQuery(Schema):
    status = fields.String(validate=validate.OneOf(list(terms.STATUSES)), metadata={"description": "only these"})
    after = fields.String(validate=validate.Length(max=4000), metadata={"description": "a page's next cursor"})


class PageQuery(Schema):
    after = fields.String(validate=validate.Length(max=4000), metadata={"description": "a page's next cursor"})


class PartySchema(Schema):
    id = fields.Integer()
    name = fields.String()


class SpecificationSchema(Schema):
    id = fields.Integer(metadata={"description": "also its number"})
    status = fields.String(metadata={"description": "one of: " + ", ".join(terms.SPEC_STATUSES)})
    status_text = fields.String()
    sender = fields.Nested(PartySchema)
    receiver = fields.Nested(PartySchema)
    reason = fields.String(metadata={"description": "why the receiver returned it"})
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    batches = fields.List(fields.Nested(BatchSchema), metadata={"description": "in the order of their UIN"})


class SpecificationSummarySchema(Schema):
    id = fields.Integer()
    status = fields.String()
    status_text = fields.String()
    sender = fields.Nested(PartySchema)
    receiver = fields.Nested(PartySchema)
    created_at = fields.DateTime()


class SpecificationListSchema(Schema):
    specifications = fields.List(fields.Nested(SpecificationSummarySchema), metadata={"description": "newest first"})
    total = fields.Integer()
    next = fields.String(allow_none=True, metadata={"description": "pass as ?after= for the next page"})


class LookupSchema(Schema):
    uin = fields.String()
    kind = fields.String(metadata={"description": "one of: " + ", ".join(terms.KINDS)})
    kind_text = fields.String()
    metal = fields.String(metadata={"description": "one of: " + ", ".join(terms.METALS)})
    metal_text = fields.String()
    fineness = fields.String()
    weight = fields.String(metadata={"description": "grams"})
    status = fields.String(metadata={"description": "in_circulation or written_off"})
    status_text = fields.String()
    organization = fields.String(metadata={"description": "the name of the organization that owns it"})


class TransferRefusedSchema(RefusedSchema):
    """Codes: not_draft, not_sent, already_decided, wrong_side, in_specification, not_registered, not_yours,
    unknown_receiver, same_organization, no_batches, uin_taken, gone."""


# --- lookups of the path's objects --------------------------------------------------------------------------------


def with_organization(view):
    """The path's ``organization_id`` → ``organization`` (404 unless the caller works with its batches)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        return view(*args, organization=batches_organization_or_404(kwargs.pop("organization_id")), **kwargs)

    return wrapped


def with_batch(view):
    """The path's organization and ``batch_id`` → ``organization`` and ``batch`` (404 unless its own)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        organization, batch = batch_or_404(kwargs.pop("organization_id"), kwargs.pop("batch_id"))
        return view(*args, organization=organization, batch=batch, **kwargs)

    return wrapped


def with_specification(view):
    """The path's organization and ``specification_id`` → ``organization`` and ``spec`` (sent or received)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        organization, spec = specification_or_404(kwargs.pop("organization_id"), kwargs.pop("specification_id"))
        return view(*args, organization=organization, spec=spec, **kwargs)

    return wrapped


def _batch(batch: Batch) -> dict:
    return {
        "id": batch.id,
        "uin": batch.uin,
        "kind": batch.kind,
        "kind_text": _(terms.KINDS[batch.kind]),
        "name": batch.name,
        "metal": batch.metal,
        "metal_text": _(terms.METALS[batch.metal]),
        "fineness": terms.fineness_api(batch.fineness),
        "weight": terms.grams_api(batch.weight_mg),
        "count": batch.count,
        "status": batch.status,
        "status_text": _(terms.STATUSES[batch.status]),
        "specification_id": batch.specification_id,
        "write_off_reason": batch.write_off_reason,
        "created_at": batch.created_at,
        "registered_at": batch.registered_at,
        "written_off_at": batch.written_off_at,
    }


def _summary(spec: Specification, names: dict[int, str]) -> dict:
    return {
        "id": spec.id,
        "status": spec.status,
        "status_text": _(terms.SPEC_STATUSES[spec.status]),
        "sender": {"id": spec.sender_id, "name": names.get(spec.sender_id, "")},
        "receiver": {"id": spec.receiver_id, "name": names.get(spec.receiver_id, "")},
        "created_at": spec.created_at,
    }


def _specification(spec: Specification) -> dict:
    names = transfers.names([spec.sender_id, spec.receiver_id])
    return {
        **_summary(spec, names),
        "reason": spec.reason,
        "sent_at": spec.sent_at,
        "decided_at": spec.decided_at,
        "batches": [_batch(batch) for batch in transfers.batches_in(spec)],
    }


def _done(result):
    session.commit()
    return result


# --- batches ------------------------------------------------------------------------------------------------------


@api.get(ORG + "/batches", parameters=[ORGANIZATION_PARAMETER])
@require()
@with_organization
@api.arguments(BatchQuery, location="query")
@api.response(200, BatchListSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.doc(security=BEARER)
def list_batches(query: dict, organization):
    """The organization's batches, newest first, a hundred a page (``status`` filters)."""
    page = keyset_page(
        service.batches_of(organization.id, query.get("status")),
        (Batch.id.desc(),),
        size=PAGE_SIZE,
        after=query.get("after"),
    ).map(lambda row: row[0])
    return {"batches": [_batch(batch) for batch in page.rows], "total": page.total, "next": page.next_cursor}


@api.post(ORG + "/batches", parameters=[ORGANIZATION_PARAMETER])
@require()
@with_organization
@api.arguments(BatchForm)
@api.response(201, BatchSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.alt_response(409, schema=TransferRefusedSchema, description="uin_taken: a batch with this UIN exists")
@api.doc(security=BEARER)
def create_batch(body: dict, organization):
    """A new batch of the organization, as a draft; without ``uin`` a new УИН is generated."""
    batch = service.create(current_principal(), organization.id, batch_input(body))
    return _done(_batch(batch))


@api.get(BATCH, parameters=[ORGANIZATION_PARAMETER, BATCH_PARAMETER])
@require()
@with_batch
@api.response(200, BatchSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.doc(security=BEARER)
def get_batch(organization, batch: Batch):
    """One batch of the organization."""
    return _batch(batch)


@api.post(BATCH + "/register", parameters=[ORGANIZATION_PARAMETER, BATCH_PARAMETER])
@require()
@with_batch
@api.response(200, BatchSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.alt_response(409, schema=TransferRefusedSchema, description="not_draft")
@api.doc(security=BEARER)
def register_batch(organization, batch: Batch):
    """Register a draft: the batch is in circulation (and may be transferred) from now on."""
    batch = service.register(batch)
    return _done(_batch(batch))


@api.post(BATCH + "/write-off", parameters=[ORGANIZATION_PARAMETER, BATCH_PARAMETER])
@require()
@with_batch
@api.arguments(ReasonForm)
@api.response(200, BatchSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.alt_response(409, schema=TransferRefusedSchema, description="not_registered, in_specification")
@api.doc(security=BEARER)
def write_off_batch(body: dict, organization, batch: Batch):
    """Write a registered batch (in no specification) off, with the reason."""
    batch = service.write_off(batch, body["reason"])
    return _done(_batch(batch))


# --- specifications -----------------------------------------------------------------------------------------------


@api.get(ORG + "/specifications", parameters=[ORGANIZATION_PARAMETER])
@require()
@with_organization
@api.arguments(PageQuery, location="query")
@api.response(200, SpecificationListSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.doc(security=BEARER)
def list_specifications(query: dict, organization):
    """The specifications the organization sent (its drafts too) and received, newest first."""
    page = keyset_page(
        transfers.specifications_of(organization.id),
        (Specification.id.desc(),),
        size=PAGE_SIZE,
        after=query.get("after"),
    ).map(lambda row: row[0])
    names = transfers.names([spec.sender_id for spec in page.rows] + [spec.receiver_id for spec in page.rows])
    return {
        "specifications": [_summary(spec, names) for spec in page.rows],
        "total": page.total,
        "next": page.next_cursor,
    }


@api.post(ORG + "/specifications", parameters=[ORGANIZATION_PARAMETER])
@require()
@with_organization
@api.arguments(SpecificationForm)
@api.response(201, SpecificationSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.alt_response(
    409,
    schema=TransferRefusedSchema,
    description="unknown_receiver, same_organization, no_batches, not_yours, in_specification, not_registered",
)
@api.doc(security=BEARER)
def create_specification(body: dict, organization):
    """A draft specification of the organization's registered batches for another registered organization."""
    spec = transfers.create(current_principal(), organization.id, body["receiver_inn"], body["batch_ids"])
    return _done(_specification(spec))


@api.get(SPEC, parameters=[ORGANIZATION_PARAMETER, SPEC_PARAMETER])
@require()
@with_specification
@api.response(200, SpecificationSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.doc(security=BEARER)
def get_specification(organization, spec: Specification):
    """One specification with its batches."""
    return _specification(spec)


def _transition(action, spec: Specification):
    spec = action(spec)
    return _done(_specification(spec))


@api.post(SPEC + "/send", parameters=[ORGANIZATION_PARAMETER, SPEC_PARAMETER])
@require()
@with_specification
@api.response(200, SpecificationSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.alt_response(409, schema=TransferRefusedSchema, description="wrong_side (only the sender sends), not_draft")
@api.doc(security=BEARER)
def send_specification(organization, spec: Specification):
    """The sender sends its draft: the batches are in transfer, the receiver's batch operators are notified."""
    return _transition(lambda found: transfers.send(current_principal(), found, organization.id), spec)


@api.post(SPEC + "/accept", parameters=[ORGANIZATION_PARAMETER, SPEC_PARAMETER])
@require()
@with_specification
@api.response(200, SpecificationSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.alt_response(
    409, schema=TransferRefusedSchema, description="wrong_side (only the receiver accepts), not_sent, already_decided"
)
@api.doc(security=BEARER)
def accept_specification(organization, spec: Specification):
    """The receiver accepts: the batches become its own, registered; the sender's batch operators are notified."""
    return _transition(lambda found: transfers.accept(current_principal(), found, organization.id), spec)


@api.post(SPEC + "/return", parameters=[ORGANIZATION_PARAMETER, SPEC_PARAMETER])
@require()
@with_specification
@api.arguments(ReasonForm)
@api.response(200, SpecificationSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.alt_response(
    409, schema=TransferRefusedSchema, description="wrong_side (only the receiver returns), not_sent, already_decided"
)
@api.doc(security=BEARER)
def return_specification(body: dict, organization, spec: Specification):
    """The receiver returns the specification with the reason: the batches are the sender's, registered, again."""
    return _transition(
        lambda found: transfers.return_(current_principal(), found, organization.id, body["reason"]), spec
    )


# --- the public lookup --------------------------------------------------------------------------------------------


@api.get("/uin")
@public
@writes_on_get  # an unknown number counts against the address
@api.arguments(LookupForm, location="query")
@api.response(200, LookupSchema)
@api.alt_response(404, description="no batch with this UIN is in circulation (or ever was)")
@api.alt_response(422, description="not a UIN: 16 digits whose last is the Luhn check digit")
@api.alt_response(429, description="too many unknown numbers from this address: wait and try again")
def lookup_uin(query: dict):
    """What anyone may read about a batch by its УИН: kind, metal, fineness, weight, status, owner's name."""
    found = look_up(query["uin"], request.remote_addr or "")
    session.commit()
    if found.wait_until is not None:
        minutes = throttle.minutes_left(found.wait_until)
        abort(429, message=_("Too many lookups of unknown numbers. Try again in %(minutes)s min.", minutes=minutes))
    card = found.card
    if card is None:
        abort(404, message=_("No batch with this UIN is in circulation. Check the number on the label."))
    return {
        "uin": card.uin,
        "kind": card.kind,
        "kind_text": _(terms.KINDS[card.kind]),
        "metal": card.metal,
        "metal_text": _(terms.METALS[card.metal]),
        "fineness": terms.fineness_api(card.fineness),
        "weight": terms.grams_api(card.weight_mg),
        "status": "in_circulation" if card.in_circulation else "written_off",
        "status_text": _(terms.IN_CIRCULATION if card.in_circulation else terms.STATUSES[terms.WRITTEN_OFF]),
        "organization": card.organization,
    }
