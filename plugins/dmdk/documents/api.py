"""The organization's documents in the API: ``/api/v1/dmdk/organizations/<organization_id>/documents``.

``GET`` lists them; ``POST`` (``multipart/form-data``: ``type``, ``number``, ``issued_on``, ``expires_on`` and the
``file``) uploads one — a file whose content is not a PDF, JPEG or PNG answers 422 whatever its name; ``POST
…/<id>`` (JSON) changes the details and ``DELETE …/<id>`` deletes it, both 409 ``locked`` while a submitted
application relies on the document; ``GET …/<id>/file`` downloads its file (the document's ``file.url``).
Another organization's (or tenant's) document answers 404.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_smorest import abort
from marshmallow import Schema, fields

from core.api import (
    BEARER,
    Organization,
    RefusedSchema,
    StoredFile,
    UploadRejected,
    current_principal,
    current_tenant,
    external_url,
    file_response,
    require,
    session,
)
from plugins.dmdk.common.access import ORGANIZATION_PATH, organization_parameter, organization_scope
from plugins.dmdk.common.blueprints import api
from plugins.dmdk.documents import service
from plugins.dmdk.documents.forms import CHOOSE_FILE, UPLOAD_FIELD, DocumentForm
from plugins.dmdk.documents.locks import Lock, lock_of, locks_of
from plugins.dmdk.documents.models import Document
from plugins.dmdk.documents.types import TYPE_CODES
from plugins.dmdk.employees.roles import WORK_APPLICATIONS

DOCUMENTS = ORGANIZATION_PATH + "/documents"
ONE = DOCUMENTS + "/<int:document_id>"
NOT_FOUND = "not your organization, or no such document in it"


class DmdkFileSchema(Schema):
    filename = fields.String()
    url = fields.String(metadata={"description": "where to download it (GET, the same bearer token)"})
    mime = fields.String(metadata={"description": "application/pdf, image/jpeg or image/png"})
    size = fields.Integer(metadata={"description": "bytes"})


class DmdkDocumentSchema(Schema):
    id = fields.Integer()
    type = fields.String(metadata={"description": "one of: " + ", ".join(TYPE_CODES)})
    type_title = fields.String(metadata={"description": "the type in words, in the caller's language"})
    number = fields.String()
    issued_on = fields.Date()
    expires_on = fields.Date(metadata={"description": "the last day the document is valid"})
    state = fields.String(metadata={"description": "valid, expiring (within 30 days) or expired"})
    file = fields.Nested(DmdkFileSchema, allow_none=True)
    locked = fields.Boolean(metadata={"description": "a submitted application relies on it: no change, no delete"})
    locked_reason = fields.String(allow_none=True, metadata={"description": "why, in the caller's language"})


class DmdkDocumentUploadSchema(DocumentForm):
    file = fields.Raw(
        load_default=None,
        metadata={"type": "string", "format": "binary", "description": "the document: PDF, JPEG or PNG, ≤ 10 MB"},
    )


class DmdkDocumentInputSchema(DocumentForm):
    """A document's details as ``POST …/<id>`` takes them (JSON; the file stays)."""


def dump_document(document: Document, lock: Lock | None, today: date) -> dict[str, Any]:
    """One document as the API shows it."""
    stored = session.get(StoredFile, document.file_id) if document.file_id else None
    return {
        "id": document.id,
        "type": document.type_code,
        "type_title": str(service.type_title(document.type_code)),
        "number": document.number,
        "issued_on": document.issued_on,
        "expires_on": document.expires_on,
        "state": service.state_of(document, today),
        "file": _dump_file(document, stored) if stored else None,
        "locked": lock is not None,
        "locked_reason": lock.message if lock is not None else None,
    }


@api.get(DOCUMENTS, parameters=organization_parameter())
@require()
@organization_scope(WORK_APPLICATIONS)
@api.response(200, DmdkDocumentSchema(many=True))
@api.alt_response(404, description=NOT_FOUND)
@api.doc(security=BEARER)
def list_documents(organization: Organization):
    """The organization's documents, newest first, with their state and lock."""
    rows = service.documents_of(organization.id)
    locks = locks_of([document.id for document in rows])
    today = current_tenant().today()
    return [dump_document(document, locks.get(document.id), today) for document in rows]


@api.post(DOCUMENTS, parameters=organization_parameter())
@require()
@organization_scope(WORK_APPLICATIONS)
@api.arguments(DmdkDocumentUploadSchema, location="form", content_type="multipart/form-data")
@api.response(201, DmdkDocumentSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.doc(security=BEARER)
def upload_document(values: dict, organization: Organization):
    """Upload a document: the file (checked by its content: PDF, JPEG or PNG) with its type, number and dates.

    A file of another kind — a text file renamed to ``.pdf`` too — answers 422 with the reason under ``file``.
    """
    upload = request.files.get(UPLOAD_FIELD)
    data = upload.read() if upload is not None and upload.filename else b""
    if not data:
        abort(422, messages={UPLOAD_FIELD: [_(CHOOSE_FILE)]})
    try:
        document = service.add(organization.id, values, upload.filename, data, current_principal())
    except UploadRejected as rejected:
        session.rollback()
        abort(422, messages={UPLOAD_FIELD: [_(str(rejected))]})
    session.commit()
    return dump_document(document, None, current_tenant().today())


def _dump_file(document: Document, stored: StoredFile) -> dict[str, Any]:
    url = external_url(
        current_tenant(),
        "api_dmdk.download_document",
        organization_id=document.organization_id,
        document_id=document.id,
    )
    return {"filename": stored.filename, "mime": stored.mime, "size": stored.size, "url": url}


@api.get(ONE + "/file", parameters=organization_parameter())
@require()
@organization_scope(WORK_APPLICATIONS, document=Document)
@api.alt_response(404, description=NOT_FOUND + ", or the document has no file")
@api.doc(security=BEARER, responses={"200": {"description": "the file: a PDF, JPEG or PNG"}})
def download_document(organization: Organization, document: Document):
    """The document's file (the ``file.url`` given with the document)."""
    stored = session.get(StoredFile, document.file_id) if document.file_id else None
    if stored is None:
        abort(404, message=_("This document has no file."))
    return file_response(stored, inline=False)


@api.get(ONE, parameters=organization_parameter())
@require()
@organization_scope(WORK_APPLICATIONS, document=Document)
@api.response(200, DmdkDocumentSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.doc(security=BEARER)
def get_document(organization: Organization, document: Document):
    """One document with its state and lock."""
    return dump_document(document, lock_of(document.id), current_tenant().today())


@api.post(ONE, parameters=organization_parameter())
@require()
@organization_scope(WORK_APPLICATIONS, document=Document)
@api.arguments(DmdkDocumentInputSchema)
@api.response(200, DmdkDocumentSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.alt_response(409, schema=RefusedSchema, description="refused: locked (a submitted application relies on it)")
@api.doc(security=BEARER)
def change_document(values: dict, organization: Organization, document: Document):
    """Change the document's type, number and dates (the file stays); 409 ``locked`` while it is held."""
    service.change(document, values, current_principal())
    session.commit()
    return dump_document(document, None, current_tenant().today())


@api.delete(ONE, parameters=organization_parameter())
@require()
@organization_scope(WORK_APPLICATIONS, document=Document)
@api.response(204)
@api.alt_response(404, description=NOT_FOUND)
@api.alt_response(409, schema=RefusedSchema, description="refused: locked (a submitted application relies on it)")
@api.doc(security=BEARER)
def delete_document(organization: Organization, document: Document):
    """Delete the document and its file; 409 ``locked`` while a submitted application relies on it."""
    service.remove(document)
    session.commit()
    return "", 204
