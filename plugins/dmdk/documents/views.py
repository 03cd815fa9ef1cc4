"""The organization's documents (holders of ``dmdk.applications.work`` there: the participant and applications roles).

* ``dmdk.documents`` (``/dmdk/organizations/<id>/documents``): the list, each with its state and lock.
* ``dmdk.new_document`` (``…/documents/new``): upload a file with its type, number, date and expiry date.
* ``dmdk.document`` (``…/documents/<document_id>``): the details and the file; the form to change them, or — when a
  submitted application relies on the document — why it cannot change.
* ``dmdk.delete_document`` (POST ``…/documents/<document_id>/delete``).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.api import (
    FormInput,
    Organization,
    Refused,
    UploadRejected,
    current_principal,
    current_tenant,
    read_form,
    require,
    session,
)
from plugins.dmdk.common.access import organization_scope
from plugins.dmdk.common.blueprints import web
from plugins.dmdk.documents import service
from plugins.dmdk.documents.forms import CHOOSE_FILE, UPLOAD_FIELD, DocumentForm
from plugins.dmdk.documents.locks import lock_of, locks_of
from plugins.dmdk.documents.models import Document
from plugins.dmdk.documents.types import DOCUMENT_TYPES
from plugins.dmdk.employees.roles import WORK_APPLICATIONS


def type_choices() -> list[tuple[str, str]]:
    """The dictionary as the type select shows it, in the reader's language."""
    return [("", _("Choose the type"))] + [(code, _(title)) for code, title in DOCUMENT_TYPES]


def posted_file() -> tuple[str, bytes]:
    """The uploaded file of the form (field ``file``): its name and bytes; ``("", b"")`` when none was chosen."""
    upload = request.files.get(UPLOAD_FIELD)
    if upload is None or not upload.filename:
        return "", b""
    return upload.filename, upload.read()


@web.route("/organizations/<int:organization_id>/documents")
@require()
@organization_scope(WORK_APPLICATIONS)
def documents(organization: Organization):
    """The organization's documents with their state (valid, expires soon, expired) and lock."""
    rows = service.documents_of(organization.id)
    locks = locks_of([document.id for document in rows])
    today = current_tenant().today()
    return render_template(
        "dmdk/documents/list.html",
        organization=organization,
        rows=[(document, service.state_of(document, today), locks.get(document.id)) for document in rows],
        state_titles=service.STATE_TITLES,
        type_title=service.type_title,
    )


def _form_page(organization: Organization, form: FormInput, document: Document | None = None, status: int = 200):
    template = "dmdk/documents/new.html" if document is None else "dmdk/documents/document.html"
    lock = lock_of(document.id) if document is not None else None
    return render_template(
        template,
        organization=organization,
        document=document,
        form=form,
        lock=lock,
        choices=type_choices(),
        state=service.state_of(document, current_tenant().today()) if document is not None else None,
        state_titles=service.STATE_TITLES,
        type_title=service.type_title,
    ), status


@web.route("/organizations/<int:organization_id>/documents/new", methods=["GET", "POST"])
@require()
@organization_scope(WORK_APPLICATIONS)
def new_document(organization: Organization):
    """Upload a document: the file is checked by its content (PDF, JPEG or PNG), the details by the form."""
    if request.method == "GET":
        return _form_page(organization, FormInput.blank())
    form = read_form(DocumentForm())
    filename, data = posted_file()
    if not data:
        form.add_error(UPLOAD_FIELD, _(CHOOSE_FILE))
    if not form.ok:
        return _form_page(organization, form, status=400)
    try:
        document = service.add(organization.id, form.data, filename, data, current_principal())
    except UploadRejected as rejected:
        session.rollback()
        form.add_error(UPLOAD_FIELD, _(str(rejected)))
        return _form_page(organization, form, status=400)
    session.commit()
    flash(_("The document is added."), "info")
    return redirect(url_for("dmdk.document", organization_id=organization.id, document_id=document.id))


def _values(document: Document) -> dict[str, str]:
    return {
        "type": document.type_code,
        "number": document.number,
        "issued_on": document.issued_on.isoformat(),
        "expires_on": document.expires_on.isoformat(),
    }


def _refused(organization: Organization, document: Document, refused: Refused):
    """The document's page again, saying why the change was refused (409)."""
    form = FormInput.blank(_values(document))
    form.add_error("_schema", " ".join(refused.messages))
    return _form_page(organization, form, document, 409)


@web.route("/organizations/<int:organization_id>/documents/<int:document_id>", methods=["GET", "POST"])
@require()
@organization_scope(WORK_APPLICATIONS, document=Document)
def document(organization: Organization, document: Document):
    """One document: its details and file; change them while nothing holds the document."""
    if request.method == "GET":
        return _form_page(organization, FormInput.blank(_values(document)), document)
    try:
        service.refuse_if_locked(document)
    except Refused as refused:
        return _refused(organization, document, refused)
    form = read_form(DocumentForm())
    if not form.ok:
        return _form_page(organization, form, document, 400)
    filename, data = posted_file()
    try:
        service.change(document, form.data, current_principal(), filename, data)
    except Refused as refused:
        session.rollback()
        return _refused(organization, session.get(Document, document.id), refused)
    except UploadRejected as rejected:
        session.rollback()
        form.add_error(UPLOAD_FIELD, _(str(rejected)))
        return _form_page(organization, form, session.get(Document, document.id), 400)
    session.commit()
    flash(_("The document is saved."), "info")
    return redirect(url_for("dmdk.document", organization_id=organization.id, document_id=document.id))


@web.route("/organizations/<int:organization_id>/documents/<int:document_id>/delete", methods=["POST"])
@require()
@organization_scope(WORK_APPLICATIONS, document=Document)
def delete_document(organization: Organization, document: Document):
    """Delete a document nothing holds; a held one stays, and the page says why."""
    try:
        service.remove(document)
    except Refused as refused:
        session.rollback()
        return _refused(organization, session.get(Document, document.id), refused)
    session.commit()
    flash(_("The document is deleted."), "info")
    return redirect(url_for("dmdk.documents", organization_id=organization.id))
