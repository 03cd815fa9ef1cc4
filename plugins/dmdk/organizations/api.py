"""The caller's organization in the API: ``GET /api/v1/dmdk/organization`` — the id the other dmdk endpoints take
in their path, and the caller's roles there."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from marshmallow import Schema, fields
from sqlalchemy import select

from core.api import BEARER, Organization, current_principal, require, session
from plugins.dmdk.common.blueprints import api
from plugins.dmdk.employees import service as employees
from plugins.dmdk.employees.roles import ROLE_TITLES
from plugins.dmdk.models import Employee
from plugins.dmdk.organizations.service import profile_of


class DmdkRoleSchema(Schema):
    code = fields.String()
    title = fields.String(metadata={"description": "in the caller's language"})


class DmdkMyOrganizationSchema(Schema):
    organization_id = fields.Integer(metadata={"description": "the {organization_id} of the other dmdk endpoints"})
    name = fields.String()
    full_name = fields.String()
    inn = fields.String()
    ogrn = fields.String()
    kind = fields.String(metadata={"description": "legal or entrepreneur"})
    place_id = fields.Integer(metadata={"description": "the organization, or the subdivision the caller works in"})
    place_name = fields.String()
    status = fields.String(metadata={"description": "pending (awaiting roles), active or deleted"})
    roles = fields.List(fields.Nested(DmdkRoleSchema))


@api.get("/organization")
@require()
@api.response(200, DmdkMyOrganizationSchema)
@api.alt_response(404, description="you are not an employee of a registered organization")
@api.doc(security=BEARER)
def my_organization():
    """The organization the caller is an employee of, their status and roles there."""
    user = current_principal()
    employee = session.scalar(select(Employee).where(Employee.user_id == user.id))
    if employee is None:
        abort(404)
    organization_id = employees.head_organization_id(employee.organization_id)
    organization = session.get(Organization, organization_id)
    profile = profile_of(organization_id)
    if organization is None or profile is None:
        abort(404)
    roles = employees.organization_roles_of(user.id, organization_id)
    place = session.get(Organization, employee.organization_id)
    return {
        "organization_id": organization.id,
        "name": organization.name,
        "full_name": profile.full_name,
        "inn": profile.inn,
        "ogrn": profile.ogrn,
        "kind": profile.kind,
        "place_id": employee.organization_id,
        "place_name": place.name if place is not None else organization.name,
        "status": employees.status_of(roles, bool(employees.history_of(user.id, organization_id))),
        "roles": [{"code": code, "title": _(ROLE_TITLES[code])} for code in sorted(roles)],
    }
