"""Special-registration applications in the API: ``/api/v1/dmdk/organizations/<organization_id>/applications``.

``GET`` lists them, ``POST`` starts a draft (409 ``already_open``/``already_registered``); ``GET …/<id>`` is one
with its status, attached documents, the types still missing and the timeline; ``POST …/<id>/documents``
(``{"document_id": …}``) attaches one of the organization's documents and ``POST …/<id>/documents/<document_id>/detach``
detaches it (409 ``not_draft`` once submitted); ``POST …/<id>/submit`` submits the draft (409
``missing_documents`` naming the types). The registry's decision comes from its operator (on the site).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from marshmallow import Schema, fields

from core.api import (
    BEARER,
    Id,
    Organization,
    RefusedSchema,
    current_principal,
    current_tenant,
    require,
    session,
)
from plugins.dmdk.applications import service
from plugins.dmdk.applications.models import Application
from plugins.dmdk.applications.views import actor_names
from plugins.dmdk.common.access import ORGANIZATION_PATH, organization_parameter, organization_scope, owned_or_404
from plugins.dmdk.common.blueprints import api
from plugins.dmdk.documents.api import DmdkDocumentSchema, dump_document
from plugins.dmdk.documents.locks import locks_of
from plugins.dmdk.documents.models import Document
from plugins.dmdk.documents.service import type_title
from plugins.dmdk.employees.roles import WORK_APPLICATIONS

APPLICATIONS = ORGANIZATION_PATH + "/applications"
ONE = APPLICATIONS + "/<int:application_id>"
NOT_FOUND = "not your organization, or no such application (or document) in it"
STATUSES = "draft, submitted, registered or rejected"


class DmdkApplicationStepSchema(Schema):
    status = fields.String(metadata={"description": STATUSES})
    status_title = fields.String(metadata={"description": "in the caller's language"})
    at = fields.DateTime()
    actor = fields.String(allow_none=True, metadata={"description": "who moved it"})
    note = fields.String(metadata={"description": "the card number (registered), the reason (rejected)"})


class DmdkDocumentTypeSchema(Schema):
    code = fields.String()
    title = fields.String(metadata={"description": "in the caller's language"})


class DmdkApplicationSummarySchema(Schema):
    id = fields.Integer(metadata={"description": "also the application's number"})
    status = fields.String(metadata={"description": STATUSES})
    status_title = fields.String(metadata={"description": "in the caller's language"})
    status_changed_at = fields.DateTime()
    submitted_at = fields.DateTime(allow_none=True)
    card_number = fields.String(allow_none=True, metadata={"description": "the registry card (registered)"})
    registered_on = fields.Date(allow_none=True)
    rejection_reason = fields.String(allow_none=True)


class DmdkApplicationSchema(DmdkApplicationSummarySchema):
    documents = fields.List(fields.Nested(DmdkDocumentSchema), metadata={"description": "attached documents"})
    required_document_types = fields.List(fields.Nested(DmdkDocumentTypeSchema))
    missing_document_types = fields.List(
        fields.Nested(DmdkDocumentTypeSchema),
        metadata={"description": "required types no valid attached document covers"},
    )
    timeline = fields.List(
        fields.Nested(DmdkApplicationStepSchema), metadata={"description": "the steps, oldest first"}
    )


class DmdkAttachSchema(Schema):
    document_id = Id(required=True, metadata={"description": "one of the organization's documents"})


def _types(codes) -> list[dict[str, str]]:
    return [{"code": code, "title": str(type_title(code))} for code in codes]


def _summary(application: Application) -> dict[str, Any]:
    return {
        "id": application.id,
        "status": application.status,
        "status_title": _title(application.status),
        "status_changed_at": application.status_changed_at,
        "submitted_at": application.submitted_at,
        "card_number": application.card_number,
        "registered_on": application.registered_on,
        "rejection_reason": application.rejection_reason,
    }


def _title(status: str) -> str:
    return _(service.STATUS_TITLES[status])


def dump_application(application: Application) -> dict[str, Any]:
    """One application with its documents, the missing types and the timeline."""
    today = current_tenant().today()
    attached = service.documents_of(application)
    locks = locks_of([document.id for document in attached])
    steps = service.timeline(application)
    actors = actor_names({step.actor_id for step in steps if step.actor_id})
    missing = service.missing_types(application, today) if application.status == service.DRAFT else []
    return {
        **_summary(application),
        "documents": [dump_document(document, locks.get(document.id), today) for document in attached],
        "required_document_types": _types(service.required_of(application)),
        "missing_document_types": _types(missing),
        "timeline": [
            {
                "status": step.status,
                "status_title": _title(step.status),
                "at": step.at,
                "actor": actors.get(step.actor_id) if step.actor_id else None,
                "note": step.note,
            }
            for step in steps
        ],
    }


def _step(application: Application, action) -> Any:
    action()
    session.commit()
    return dump_application(application)


@api.get(APPLICATIONS, parameters=organization_parameter())
@require()
@organization_scope(WORK_APPLICATIONS)
@api.response(200, DmdkApplicationSummarySchema(many=True))
@api.alt_response(404, description=NOT_FOUND)
@api.doc(security=BEARER)
def list_applications(organization: Organization):
    """The organization's applications for special registration, newest first."""
    return [_summary(application) for application in service.applications_of(organization.id)]


@api.post(APPLICATIONS, parameters=organization_parameter())
@require()
@organization_scope(WORK_APPLICATIONS)
@api.response(201, DmdkApplicationSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.alt_response(409, schema=RefusedSchema, description="refused: already_open or already_registered")
@api.doc(security=BEARER)
def start_application(organization: Organization):
    """Start a draft application (one at a time; none once the organization is registered)."""
    application = service.start(organization, current_principal())
    session.commit()
    return dump_application(application)


@api.get(ONE, parameters=organization_parameter())
@require()
@organization_scope(WORK_APPLICATIONS, application=Application)
@api.response(200, DmdkApplicationSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.doc(security=BEARER)
def get_application(organization: Organization, application: Application):
    """One application: status, card or reason, documents, what is missing, the timeline."""
    return dump_application(application)


@api.post(ONE + "/documents", parameters=organization_parameter())
@require()
@organization_scope(WORK_APPLICATIONS, application=Application)
@api.arguments(DmdkAttachSchema)
@api.response(200, DmdkApplicationSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.alt_response(409, schema=RefusedSchema, description="refused: not_draft")
@api.doc(security=BEARER)
def attach_document(values: dict, organization: Organization, application: Application):
    """Attach one of the organization's documents to the draft (another organization's document: 404)."""
    document = owned_or_404(Document, values["document_id"], organization.id)
    return _step(application, lambda: service.attach(application, document))


@api.post(ONE + "/documents/<int:document_id>/detach", parameters=organization_parameter())
@require()
@organization_scope(WORK_APPLICATIONS, application=Application, document=Document)
@api.response(200, DmdkApplicationSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.alt_response(409, schema=RefusedSchema, description="refused: not_draft")
@api.doc(security=BEARER)
def detach_document(organization: Organization, application: Application, document: Document):
    """Take a document off the draft."""
    return _step(application, lambda: service.detach(application, document))


@api.post(ONE + "/submit", parameters=organization_parameter())
@require()
@organization_scope(WORK_APPLICATIONS, application=Application)
@api.response(200, DmdkApplicationSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.alt_response(409, schema=RefusedSchema, description="refused: not_draft, or missing_documents (named)")
@api.doc(security=BEARER)
def submit_application(organization: Organization, application: Application):
    """Submit the draft to the registry's operator; needs a valid attached document of every required type."""
    return _step(application, lambda: service.submit(application, current_principal(), current_tenant().today()))
