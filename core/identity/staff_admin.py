"""Staff and roles: who works in the tenant's admin area and with which roles (every change audited)."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from marshmallow import Schema, fields
from sqlalchemy import select

from core.access.guard import current_principal, require
from core.access.models import Role, RoleAssignment
from core.access.service import assign_role, assignable_roles, can_assign, revoke_role, user_roles
from core.console.blueprint import blueprint
from core.console.forms import EmptyForm, NewStaffForm
from core.db import session
from core.identity import service
from core.identity.forms import login_label
from core.identity.models import User
from core.identity.targets import target_user
from core.web.input import Text, read_form

STAFF_ROLE_EXCLUDED = {"subscriber"}


def _staff_roles() -> list[Role]:
    return [r for r in assignable_roles(g.tenant) if r.code not in STAFF_ROLE_EXCLUDED and not r.organization_scoped]


def _grantable_staff_roles() -> list[Role]:
    """The staff roles the caller may give or take (never one bringing powers they do not hold)."""
    actor = current_principal()
    return [r for r in _staff_roles() if can_assign(actor, r.code)]


class RolesInput(Schema):
    roles = fields.List(Text(60), load_default=list)


@blueprint.get("/staff")
@require("staff.manage")
def staff():
    staff_role_ids = [r.id for r in _staff_roles()]
    users = list(
        session.scalars(
            select(User)
            .where(User.id.in_(select(RoleAssignment.user_id).where(RoleAssignment.role_id.in_(staff_role_ids))))
            .order_by(User.login)
        )
    )
    roles_by_user: dict[int, list[str]] = {}
    for assignment in session.scalars(select(RoleAssignment).where(RoleAssignment.user_id.in_([u.id for u in users]))):
        roles_by_user.setdefault(assignment.user_id, []).append(_(assignment.role.title))
    return render_template("admin/staff.html", users=users, roles_by_user=roles_by_user)


@blueprint.route("/staff/new", methods=["GET", "POST"])
@require("staff.manage")
def new_staff():
    form = NewStaffForm()
    form.login.label.text = login_label(g.tenant.login_identifier)
    form.role.choices = [(r.code, _(r.title)) for r in _grantable_staff_roles()]
    if form.validate_on_submit():
        try:
            user, password = service.create_user(
                g.tenant,
                form.login.data,
                full_name=form.full_name.data or "",
                email=form.email.data or None,
                phone=form.phone.data or "",
                roles=(form.role.data,),
            )
        except service.IdentityError as error:
            session.rollback()
            getattr(form, error.field, form.login).errors.append(error.message)
        else:
            session.commit()
            return render_template("admin/credentials.html", user=user, password=password)
    return render_template("admin/staff_new.html", form=form)


@blueprint.route("/staff/<int:user_id>", methods=["GET", "POST"])
@require("staff.manage")
def staff_member(user_id: int):
    user = target_user(user_id)
    roles = _grantable_staff_roles()
    form = EmptyForm()
    if form.validate_on_submit():
        wanted = set(read_form(RolesInput()).values.get("roles", []))
        held = {a.role.code for a in user_roles(user) if a.organization_id is None}
        for role in roles:
            if role.code in wanted and role.code not in held:
                assign_role(user, role.code)
            elif role.code not in wanted and role.code in held:
                revoke_role(user, role.code)
        session.commit()
        flash(_("Roles saved."), "info")
        return redirect(url_for("admin.staff_member", user_id=user.id))
    held = {a.role.code for a in user_roles(user) if a.organization_id is None}
    return render_template("admin/staff_member.html", user=user, roles=roles, held=held, form=form)
