"""The organization's special-registration applications (holders of ``dmdk.applications.work`` there).

* ``dmdk.applications`` (``/dmdk/organizations/<id>/applications``): the applications and their statuses; a new
  draft is started from here (``dmdk.start_application``, POST ``…/applications/new``).
* ``dmdk.application`` (``…/applications/<application_id>``): status, card or rejection reason, the attached
  documents (a draft: attach and detach them, see what is still missing, submit) and the timeline.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from marshmallow import Schema
from sqlalchemy import select

from core.api import (
    N_,
    FormInput,
    Id,
    Organization,
    Refused,
    User,
    current_principal,
    current_tenant,
    read_form,
    require,
    session,
)
from plugins.dmdk.applications import service
from plugins.dmdk.applications.models import Application
from plugins.dmdk.common.access import organization_scope, owned_or_404
from plugins.dmdk.common.blueprints import web
from plugins.dmdk.documents import service as documents
from plugins.dmdk.documents.models import Document
from plugins.dmdk.employees.roles import WORK_APPLICATIONS


class AttachForm(Schema):
    """The document chosen to attach."""

    document_id = Id(required=True, error_messages={"required": N_("Choose a document from the list.")})


def actor_names(user_ids: set[int]) -> dict[int, str]:
    """``{user id: display name}`` of the people who moved applications."""
    if not user_ids:
        return {}
    return {user.id: user.display_name for user in session.scalars(select(User).where(User.id.in_(user_ids)))}


@web.route("/organizations/<int:organization_id>/applications")
@require()
@organization_scope(WORK_APPLICATIONS)
def applications(organization: Organization):
    """The organization's applications for special registration."""
    return render_template(
        "dmdk/applications/list.html",
        organization=organization,
        rows=service.applications_of(organization.id),
        status_titles=service.STATUS_TITLES,
    )


@web.route("/organizations/<int:organization_id>/applications/new", methods=["POST"])
@require()
@organization_scope(WORK_APPLICATIONS)
def start_application(organization: Organization):
    """Start a draft (refused while another is in progress, or once the organization is registered)."""
    try:
        application = service.start(organization, current_principal())
    except Refused as refused:
        session.rollback()
        for message in refused.messages:
            flash(message, "error")
        return redirect(url_for("dmdk.applications", organization_id=organization.id))
    session.commit()
    return redirect(url_for("dmdk.application", organization_id=organization.id, application_id=application.id))


def _page(organization: Organization, application: Application, form: FormInput | None = None, status: int = 200):
    today = current_tenant().today()
    attached = service.documents_of(application)
    steps = service.timeline(application)
    choices = []
    if application.status == service.DRAFT:
        attached_ids = {document.id for document in attached}
        choices = [
            (str(document.id), f"{documents.type_title(document.type_code)} № {document.number}")
            for document in documents.documents_of(organization.id)
            if document.id not in attached_ids
        ]
    return render_template(
        "dmdk/applications/application.html",
        organization=organization,
        application=application,
        attached=[(document, documents.state_of(document, today)) for document in attached],
        choices=choices,
        required=service.required_of(application),
        missing=service.missing_types(application, today) if application.status == service.DRAFT else [],
        steps=steps,
        actors=actor_names({step.actor_id for step in steps if step.actor_id}),
        form=form or FormInput.blank(),
        status_titles=service.STATUS_TITLES,
        state_titles=documents.STATE_TITLES,
        type_title=documents.type_title,
    ), status


@web.route("/organizations/<int:organization_id>/applications/<int:application_id>")
@require()
@organization_scope(WORK_APPLICATIONS, application=Application)
def application(organization: Organization, application: Application):
    """One application: status, documents, what is missing, the timeline."""
    return _page(organization, application)


def _refused(organization: Organization, application: Application, refused: Refused, field: str = "_schema"):
    session.rollback()
    form = FormInput.blank()
    form.add_error(field, " ".join(refused.messages))
    return _page(organization, session.get(Application, application.id), form, 409)


@web.route("/organizations/<int:organization_id>/applications/<int:application_id>/documents", methods=["POST"])
@require()
@organization_scope(WORK_APPLICATIONS, application=Application)
def attach_document(organization: Organization, application: Application):
    """Attach one of the organization's documents to the draft."""
    form = read_form(AttachForm())
    if not form.ok:
        return _page(organization, application, form, 400)
    document = owned_or_404(Document, form.data["document_id"], organization.id)
    try:
        service.attach(application, document)
    except Refused as refused:
        return _refused(organization, application, refused)
    session.commit()
    return redirect(url_for("dmdk.application", organization_id=organization.id, application_id=application.id))


@web.route(
    "/organizations/<int:organization_id>/applications/<int:application_id>/documents/<int:document_id>/detach",
    methods=["POST"],
)
@require()
@organization_scope(WORK_APPLICATIONS, application=Application, document=Document)
def detach_document(organization: Organization, application: Application, document: Document):
    """Take a document off the draft."""
    try:
        service.detach(application, document)
    except Refused as refused:
        return _refused(organization, application, refused)
    session.commit()
    return redirect(url_for("dmdk.application", organization_id=organization.id, application_id=application.id))


@web.route("/organizations/<int:organization_id>/applications/<int:application_id>/submit", methods=["POST"])
@require()
@organization_scope(WORK_APPLICATIONS, application=Application)
def submit_application(organization: Organization, application: Application):
    """Submit the draft to the registry's operator (refused, saying which documents are missing)."""
    try:
        service.submit(application, current_principal(), current_tenant().today())
    except Refused as refused:
        return _refused(organization, application, refused)
    session.commit()
    flash(_("The application is submitted to the registry's operator."), "info")
    return redirect(url_for("dmdk.application", organization_id=organization.id, application_id=application.id))
