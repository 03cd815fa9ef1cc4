"""The administrator's employee pages (organization administrators and tenant staff holding ``dmdk.roles.manage``).

* ``dmdk.employees`` (``/dmdk/organizations/<id>/employees``): employees of the organization and its
  subdivisions, their roles and status (a list, no wide table).
* ``dmdk.employee`` (``/dmdk/organizations/<id>/employees/<user_id>``): tick the roles and save; the history of
  changes below. Another organization's employee answers 404.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from core.api import FormInput, User, can_assign, current_principal, read_form, require, session
from plugins.dmdk.common.access import organization_or_404
from plugins.dmdk.common.blueprints import web
from plugins.dmdk.employees import service
from plugins.dmdk.employees.roles import MANAGE_ROLES, ROLE_CODES, ROLE_TITLES


class RolesForm(Schema):
    """The roles ticked for an employee (none at all closes their access)."""

    roles = fields.List(fields.String(validate=validate.OneOf(ROLE_CODES)), load_default=list)


@web.route("/organizations/<int:organization_id>/employees")
@require()
def employees(organization_id: int):
    organization, _profile = organization_or_404(organization_id, MANAGE_ROLES)
    return render_template(
        "dmdk/employees/list.html",
        organization=organization,
        rows=service.employees_of(organization.id),
        role_titles=ROLE_TITLES,
        status_titles=service.STATUS_TITLES,
    )


def _employee_or_404(organization_id: int, user_id: int) -> tuple[object, service.EmployeeRow]:
    organization, _profile = organization_or_404(organization_id, MANAGE_ROLES)
    row = next((row for row in service.employees_of(organization.id) if row.user.id == user_id), None)
    if row is None:
        abort(404)
    return organization, row


def _page(organization, row: service.EmployeeRow, form: FormInput, status: int = 200):
    history = service.history_of(row.user.id, organization.id)
    actor_ids = {change.actor_id for change in history if change.actor_id}
    return render_template(
        "dmdk/employees/employee.html",
        organization=organization,
        row=row,
        form=form,
        role_codes=ROLE_CODES,
        role_titles=ROLE_TITLES,
        status_titles=service.STATUS_TITLES,
        history=history,
        actors={user.id: user.display_name for user in session.scalars(select(User).where(User.id.in_(actor_ids)))},
    ), status


@web.route("/organizations/<int:organization_id>/employees/<int:user_id>", methods=["GET", "POST"])
@require()
def employee(organization_id: int, user_id: int):
    organization, row = _employee_or_404(organization_id, user_id)
    actor = current_principal()
    if not all(can_assign(actor, code, organization.id) for code in ROLE_CODES):
        abort(404)
    form = read_form(RolesForm()) if request.method == "POST" else FormInput.blank({"roles": sorted(row.roles)})
    if request.method != "POST":
        return _page(organization, row, form)
    if form.ok:
        try:
            service.set_roles(actor, row.user, organization.id, set(form.data["roles"]))
        except service.RoleChangeError as refusal:
            form.add_error("roles", str(refusal))
    if not form.ok:
        session.rollback()
        _organization, row = _employee_or_404(organization_id, user_id)
        return _page(organization, row, form, 400)
    session.commit()
    flash(_("The roles of %(name)s are saved.", name=row.user.display_name))
    return redirect(url_for("dmdk.employee", organization_id=organization.id, user_id=row.user.id))
