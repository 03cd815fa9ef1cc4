"""The organization pages (logged-in users).

* ``dmdk.my_organization`` (``/dmdk/organization``): the person's organization and what their roles open there; or,
  without one, "register an organization" (the wizard) and "join an organization" (→ awaiting roles).
* ``dmdk.wizard`` (``/dmdk/organization/wizard/<step>``): one step of the profile wizard; answers are saved in the
  draft at each "Next"; ``confirm`` registers (or saves the edited profile).
* ``dmdk.edit_organization`` (POST): the administrator edits the profile through the same wizard.
* ``dmdk.organization`` and the ``directory`` here; batches, documents, exchange profiles and applications are
  their capabilities' (:mod:`plugins.dmdk.batches`, :mod:`plugins.dmdk.documents`, :mod:`plugins.dmdk.exchange`,
  :mod:`plugins.dmdk.applications`).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema
from sqlalchemy import select

from core.api import (
    FormInput,
    Id,
    Organization,
    current_principal,
    has_permission,
    read_form,
    require,
    session,
    writes_on_get,
)
from plugins.dmdk.common.access import organization_or_404
from plugins.dmdk.common.blueprints import web
from plugins.dmdk.employees import service as employees
from plugins.dmdk.employees.roles import (
    DIRECTORY,
    MANAGE_EXCHANGE,
    MANAGE_ROLES,
    VIEW_ORGANIZATION,
    WORK_APPLICATIONS,
    WORK_BATCHES,
)
from plugins.dmdk.models import Employee, OrganizationProfile
from plugins.dmdk.organizations import forms, service, wizard


class JoinForm(Schema):
    """The organization or subdivision an employee joins."""

    organization_id = Id(required=True, error_messages={"required": forms.REQUIRED})


def _joinable() -> list[tuple[int, str]]:
    """Registered organizations and their subdivisions, as (id, name) choices."""
    choices = []
    rows = session.execute(
        select(Organization.id, Organization.name)
        .join(OrganizationProfile, OrganizationProfile.organization_id == Organization.id)
        .order_by(Organization.name)
    )
    for organization_id, name in rows:
        choices.append((organization_id, name))
        for _sub, core_row in service.subdivisions_of(organization_id):
            choices.append((core_row.id, f"{name} — {core_row.name}"))
    return choices


def _pages(organization_id: int) -> list[tuple[str, str]]:
    """The pages the visitor's roles open in the organization: (endpoint, title)."""
    user = current_principal()
    pages = [
        (MANAGE_ROLES, "dmdk.employees", _("Employees and roles")),
        (DIRECTORY, "dmdk.directory", _("Directory of participants")),
        (WORK_APPLICATIONS, "dmdk.applications", _("Applications")),
        (WORK_APPLICATIONS, "dmdk.documents", _("Organization documents")),
        (MANAGE_EXCHANGE, "dmdk.exchange_profiles", _("Information exchange profiles")),
        (WORK_BATCHES, "dmdk.batches", _("Batches")),
    ]
    return [
        (endpoint, title) for permission, endpoint, title in pages if has_permission(user, permission, organization_id)
    ]


@web.route("/organization")
@require()
def my_organization():
    """The person's organization, or the ways to get one."""
    user = current_principal()
    employee = session.scalar(select(Employee).where(Employee.user_id == user.id))
    if employee is None:
        draft = wizard.draft_of(user)
        return render_template(
            "dmdk/organizations/start.html", draft=draft, choices=_joinable(), form=FormInput.blank()
        )
    organization_id = employees.head_organization_id(employee.organization_id)
    organization = session.get(Organization, organization_id)
    roles = employees.organization_roles_of(user.id, organization_id)
    return render_template(
        "dmdk/organizations/mine.html",
        organization=organization,
        place=session.get(Organization, employee.organization_id),
        status=employees.status_of(roles, bool(employees.history_of(user.id, organization_id))),
        status_titles=employees.STATUS_TITLES,
        pages=_pages(organization_id),
        may_view=has_permission(user, VIEW_ORGANIZATION, organization_id),
    )


@web.route("/organization/join", methods=["POST"])
@require()
def join_organization():
    """An employee chooses their organization or subdivision; they wait for roles from its administrator."""
    user = current_principal()
    form = read_form(JoinForm())
    if form.ok and form.data["organization_id"] not in dict(_joinable()):
        form.add_error("organization_id", _("Choose an organization from the list."))
    if not form.ok:
        return render_template(
            "dmdk/organizations/start.html", draft=wizard.draft_of(user), choices=_joinable(), form=form
        ), 400
    if session.scalar(select(Employee.id).where(Employee.user_id == user.id)) is not None:
        abort(404)
    employees.join(user, form.data["organization_id"])
    session.commit()
    flash(_("You are registered as an employee. The organization's administrator will assign your roles."))
    return redirect(url_for("dmdk.my_organization"))


def _step_or_404(code: str) -> wizard.Step:
    step = wizard.step_named(code)
    if step is None:
        abort(404)
    return step


def _render(step: wizard.Step, draft, form: FormInput, item_form: FormInput | None = None, status: int = 200):
    return render_template(
        f"dmdk/organizations/wizard/{step.code}.html",
        step=step,
        steps=wizard.STEPS,
        draft=draft,
        record=wizard.record_of(draft),
        form=form,
        item_form=item_form or FormInput.blank({"active": True}),
        items=(draft.steps or {}).get(step.code, []) if step.item_schema else [],
        missing=wizard.missing_steps(draft) if step.code == "confirm" else [],
        previous=wizard.previous_step(step.code),
        choices={
            "category": [(code, _(title)) for code, title in forms.CATEGORIES],
            "head": [(code, _(title)) for code, title in forms.HEAD_KINDS],
            "subdivision": [(code, _(title)) for code, title in forms.SUBDIVISION_KINDS],
        },
    ), status


def _draft_or_start():
    user = current_principal()
    draft = wizard.draft_of(user)
    editing = draft is not None and draft.organization_id is not None
    if editing and not has_permission(user, MANAGE_ROLES, draft.organization_id):
        # editing goes on only while the person is still the organization's administrator
        session.delete(draft)
        session.flush()
        draft = None
    if draft is None and session.scalar(select(Employee.id).where(Employee.user_id == user.id)) is not None:
        return None  # an employee registers no second organization
    return draft or wizard.start_draft(user)


@web.route("/organization/wizard/<step_code>", methods=["GET", "POST"])
@require()
@writes_on_get  # opening the wizard starts the draft
def wizard_step(step_code: str):
    """One step of the organization profile wizard."""
    step = _step_or_404(step_code)
    draft = _draft_or_start()
    if draft is None:  # already an employee: say where their organization is, instead of a second one
        return render_template("dmdk/organizations/already_member.html")
    if not wizard.reachable(draft, step.code):
        return redirect(url_for("dmdk.wizard_step", step_code="find"))
    if step.code == "find" and draft.organization_id is not None:
        return redirect(url_for("dmdk.wizard_step", step_code="contacts"))
    if request.method == "GET":
        session.commit()
        stored = (draft.steps or {}).get(step.code)
        values = stored if isinstance(stored, dict) else {}
        if step.code == "find" and draft.steps.get("record"):
            values = {"number": draft.steps["record"]["ogrn"]}
        if step.code in ("activities", "realty") and values:
            values = {key: "\n".join(value) if isinstance(value, list) else value for key, value in values.items()}
        return _render(step, draft, FormInput.blank(values))
    if step.code == "confirm":
        return _register(step, draft)
    if step.item_schema is not None:
        return _list_step(step, draft)
    return _form_step(step, draft)


def _form_step(step: wizard.Step, draft):
    schema = step.schema()
    form = read_form(schema)
    if form.ok and step.code == "find":
        record, problem = wizard.find(current_principal(), form.data["number"])
        if problem:
            form.add_error("number", problem)
        else:
            wizard.save_step(draft, "record", record.as_dict())
    if not form.ok:
        session.commit()
        return _render(step, draft, form, status=400)
    if step.code != "find":
        wizard.save_step(draft, step.code, schema.dump(form.data))
    session.commit()
    return redirect(url_for("dmdk.wizard_step", step_code=wizard.next_step(step.code)))


def _list_step(step: wizard.Step, draft):
    items = list((draft.steps or {}).get(step.code, []))
    pressed = read_form(forms.ListAction())
    action = pressed.data["action"] if pressed.ok else "next"
    if action == "add":
        schema = step.item_schema()
        item_form = read_form(schema)
        if not item_form.ok:
            session.commit()
            return _render(step, draft, FormInput.blank(), item_form, status=400)
        item = schema.dump(item_form.data)
        if step.code == "subdivisions" and any(existing["kpp"] == item["kpp"] for existing in items):
            item_form.add_error("kpp", _("Another subdivision already has this KPP: each has its own."))
            return _render(step, draft, FormInput.blank(), item_form, status=400)
        wizard.save_step(draft, step.code, [*items, item])
        session.commit()
        return redirect(url_for("dmdk.wizard_step", step_code=step.code))
    if action == "remove":
        removal = read_form(forms.RemoveItem())
        if removal.ok and removal.data["index"] < len(items):
            del items[removal.data["index"]]
            wizard.save_step(draft, step.code, items)
            session.commit()
        return redirect(url_for("dmdk.wizard_step", step_code=step.code))
    wizard.save_step(draft, step.code, items)
    session.commit()
    return redirect(url_for("dmdk.wizard_step", step_code=wizard.next_step(step.code)))


def _register(step: wizard.Step, draft):
    if wizard.missing_steps(draft):
        return _render(step, draft, FormInput.blank(), status=400)
    editing = draft.organization_id is not None
    organization = service.register(current_principal(), draft)
    session.commit()
    flash(_("The profile is saved.") if editing else _("The organization is registered: you are its administrator."))
    return redirect(url_for("dmdk.organization", organization_id=organization.id))


@web.route("/organizations/<int:organization_id>/edit", methods=["POST"])
@require()
def edit_organization(organization_id: int):
    """The administrator edits the profile: a draft from the profile, then the wizard's steps."""
    organization, _profile = organization_or_404(organization_id, MANAGE_ROLES)
    wizard.start_draft(current_principal(), organization.id)
    session.commit()
    return redirect(url_for("dmdk.wizard_step", step_code="contacts"))


@web.route("/organizations/<int:organization_id>")
@require()
def organization(organization_id: int):
    """The organization's profile, for anyone holding one of its roles."""
    organization, profile = organization_or_404(organization_id, VIEW_ORGANIZATION)
    return render_template(
        "dmdk/organizations/profile.html",
        organization=organization,
        profile=profile,
        data=profile.data,
        subdivisions=service.subdivisions_of(organization.id),
        pages=_pages(organization.id),
        may_edit=has_permission(current_principal(), MANAGE_ROLES, organization.id),
        forms=forms,
    )


@web.route("/organizations/<int:organization_id>/directory")
@require()
def directory(organization_id: int):
    """The directory of registered participants (the DMDK participant's reference)."""
    organization, _profile = organization_or_404(organization_id, DIRECTORY)
    profiles = list(session.scalars(select(OrganizationProfile).order_by(OrganizationProfile.full_name)))
    return render_template("dmdk/organizations/directory.html", organization=organization, profiles=profiles)
