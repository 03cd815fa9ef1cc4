"""The registry operator's pages (``dmdk.registry.operate``: tenant staff play the simulated registry).

* ``dmdk.admin_applications`` (``/dmdk/admin/applications``): the queue — submitted applications, oldest first —
  and, by ``?status=``, the registered, the rejected or all of them.
* ``dmdk.admin_application`` (``…/<application_id>``): the organization, its attached documents (their files), the
  timeline and, while submitted, the decision: register (``dmdk.admin_register_application``: card number and
  date) or reject (``dmdk.admin_reject_application``: the reason).
* ``dmdk.admin_application_settings`` (``…/settings``, ``dmdk.registry.configure``): which document types an
  application needs.

A draft is the organization's own business: the operator never sees it (404).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from core.api import (
    N_,
    FormInput,
    Organization,
    Refused,
    SettingsError,
    current_principal,
    current_tenant,
    get_or_404,
    keyset_page,
    read_form,
    requested_page,
    require,
    save_settings,
    session,
)
from plugins.dmdk.applications import service
from plugins.dmdk.applications.models import Application
from plugins.dmdk.applications.settings import NAMESPACE, application_settings
from plugins.dmdk.applications.views import actor_names
from plugins.dmdk.common.blueprints import web
from plugins.dmdk.documents import service as documents
from plugins.dmdk.documents.forms import BAD_DATE
from plugins.dmdk.documents.types import DOCUMENT_TYPES, TYPE_CODES
from plugins.dmdk.employees.roles import CONFIGURE_REGISTRY, OPERATE_REGISTRY
from plugins.dmdk.models import OrganizationProfile

PAGE_SIZE = 50
FILTERS = {
    service.SUBMITTED: _l("Awaiting a decision"),
    service.REGISTERED: _l("Registered"),
    service.REJECTED: _l("Rejected"),
    "all": _l("All"),
}


class RegisterForm(Schema):
    """The registry card the application is registered under."""

    card_number = fields.String(
        required=True,
        validate=validate.Length(min=1, max=50),
        error_messages={"required": N_("Enter the registry card number.")},
    )
    registered_on = fields.Date(
        required=True, error_messages={"required": N_("Enter the registration date."), "invalid": BAD_DATE}
    )


class RejectForm(Schema):
    """Why the application is rejected (the organization reads it)."""

    reason = fields.String(
        required=True,
        validate=validate.Length(min=1, max=2000),
        error_messages={"required": N_("Say why the application is rejected: the organization reads it.")},
    )


class RequiredTypesForm(Schema):
    """The document types ticked for each kind of participant."""

    required_for_legal = fields.List(fields.String(validate=validate.OneOf(TYPE_CODES)), load_default=list)
    required_for_entrepreneur = fields.List(fields.String(validate=validate.OneOf(TYPE_CODES)), load_default=list)


@web.get("/admin/applications")
@require(OPERATE_REGISTRY)
def admin_applications():
    """The queue of applications awaiting a decision (oldest first); ``?status=registered|rejected|all``."""
    show = request.args.get("status", service.SUBMITTED)
    if show not in FILTERS:
        show = service.SUBMITTED
    stmt = (
        select(Application, Organization.name)
        .join(Organization, Organization.id == Application.organization_id)
        .where(Application.status != service.DRAFT)
    )
    if show != "all":
        stmt = stmt.where(Application.status == show)
    if show == service.SUBMITTED:
        keys = (Application.status_changed_at, Application.id)
    else:
        keys = (Application.status_changed_at.desc(), Application.id.desc())
    wanted = requested_page()
    page = keyset_page(stmt, keys, size=PAGE_SIZE, after=wanted.after, before=wanted.before)
    return render_template(
        "dmdk/applications/admin/queue.html",
        page=page,
        rows=[(row[0], row[1]) for row in page.rows],
        show=show,
        filters=FILTERS,
        status_titles=service.STATUS_TITLES,
    )


def _application_or_404(application_id: int) -> Application:
    application = get_or_404(Application, application_id)
    if application.status == service.DRAFT:
        abort(404)
    return application


def _page(
    application: Application,
    register: FormInput | None = None,
    reject: FormInput | None = None,
    status: int = 200,
    problem: str = "",
):
    organization = session.get(Organization, application.organization_id)
    profile = session.scalar(
        select(OrganizationProfile).where(OrganizationProfile.organization_id == application.organization_id)
    )
    today = current_tenant().today()
    steps = service.timeline(application)
    return render_template(
        "dmdk/applications/admin/application.html",
        application=application,
        organization=organization,
        profile=profile,
        attached=[(document, documents.state_of(document, today)) for document in service.documents_of(application)],
        steps=steps,
        actors=actor_names({step.actor_id for step in steps if step.actor_id}),
        problem=problem,
        register=register or FormInput.blank({"registered_on": today.isoformat()}),
        reject=reject or FormInput.blank(),
        status_titles=service.STATUS_TITLES,
        state_titles=documents.STATE_TITLES,
        type_title=documents.type_title,
    ), status


def _join(refused: Refused) -> str:
    return " ".join(refused.messages)


@web.get("/admin/applications/<int:application_id>")
@require(OPERATE_REGISTRY)
def admin_application(application_id: int):
    """One application as the registry's operator works it."""
    return _page(_application_or_404(application_id))


@web.post("/admin/applications/<int:application_id>/register")
@require(OPERATE_REGISTRY)
def admin_register_application(application_id: int):
    """Register a submitted application under a registry card (number and date)."""
    application = _application_or_404(application_id)
    form = read_form(RegisterForm())
    if not form.ok:
        return _page(application, register=form, status=400)
    try:
        service.register(
            application,
            current_principal(),
            form.data["card_number"],
            form.data["registered_on"],
            current_tenant().today(),
        )
    except Refused as refused:
        session.rollback()
        return _page(session.get(Application, application_id), register=form, status=409, problem=_join(refused))
    session.commit()
    flash(_("Application № %(number)s is registered.", number=application.id), "info")
    return redirect(url_for("dmdk.admin_application", application_id=application.id))


@web.post("/admin/applications/<int:application_id>/reject")
@require(OPERATE_REGISTRY)
def admin_reject_application(application_id: int):
    """Reject a submitted application, saying why."""
    application = _application_or_404(application_id)
    form = read_form(RejectForm())
    if not form.ok:
        return _page(application, reject=form, status=400)
    try:
        service.reject(application, current_principal(), form.data["reason"])
    except Refused as refused:
        session.rollback()
        return _page(session.get(Application, application_id), reject=form, status=409, problem=_join(refused))
    session.commit()
    flash(_("Application № %(number)s is rejected.", number=application.id), "info")
    return redirect(url_for("dmdk.admin_application", application_id=application.id))


@web.route("/admin/applications/settings", methods=["GET", "POST"])
@require(CONFIGURE_REGISTRY)
def admin_application_settings():
    """Which document types an application needs, for legal entities and for entrepreneurs."""
    status = 200
    if request.method == "POST":
        form = read_form(RequiredTypesForm())
        if form.ok:
            try:
                save_settings(NAMESPACE, form.data)
            except SettingsError as error:
                session.rollback()
                for name, messages in error.messages.items():
                    listed = messages if isinstance(messages, list) else [messages]
                    form.add_error(name, " ".join(str(message) for message in listed))
            else:
                session.commit()
                flash(_("Settings saved."), "info")
                return redirect(url_for("dmdk.admin_application_settings"))
        status = 400
    else:
        form = FormInput.blank(application_settings().as_dict())
    return render_template(
        "dmdk/applications/admin/settings.html", form=form, types=[(code, _(title)) for code, title in DOCUMENT_TYPES]
    ), status
