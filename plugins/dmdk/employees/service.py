"""Employees and their organization roles: joining (pending), role changes with history, the derived status.

Roles are core's organization-scoped roles (``core.api.assign_role``/``revoke_role``, both audited); each change
also appends a :class:`~plugins.dmdk.models.RoleChange` row and notifies the employee (``dmdk_roles``). The last
administrator of an organization cannot lose the role.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from core.api import (
    N_,
    Organization,
    User,
    assign_role,
    audit,
    current_tenant,
    notify,
    organization_roles,
    recipient_language,
    revoke_role,
    session,
    site_path,
)
from plugins.dmdk.employees.roles import ADMIN, ROLE_CODES, ROLE_TITLES, roles_granting
from plugins.dmdk.models import Employee, RoleChange, Subdivision

PENDING = "pending"
ACTIVE = "active"
DELETED = "deleted"
STATUS_TITLES = {PENDING: N_("Awaiting roles"), ACTIVE: N_("Active"), DELETED: N_("Deleted")}


class RoleChangeError(ValueError):
    """A role change that is refused (the message says why, in the reader's language)."""


@dataclass(frozen=True)
class EmployeeRow:
    """One employee as the administrator's list shows them."""

    employee: Employee
    user: User
    roles: frozenset[str]
    status: str


def head_organization_id(organization_id: int) -> int:
    """The organization a subdivision belongs to (the organization itself when it is not a subdivision)."""
    parent = session.scalar(select(Subdivision.parent_id).where(Subdivision.organization_id == organization_id))
    return parent or organization_id


def organization_roles_of(user_id: int, organization_id: int) -> set[str]:
    """The dmdk roles ``user_id`` holds in ``organization_id``."""
    return organization_roles(organization_id).get(user_id, set()) & set(ROLE_CODES)


def status_of(roles: set[str] | frozenset[str], ever_changed: bool) -> str:
    """No role ⇒ Deleted (or awaiting roles, before the first change); any role ⇒ Active."""
    if roles:
        return ACTIVE
    return DELETED if ever_changed else PENDING


def join(user: User, organization_id: int) -> Employee:
    """``user`` registers as an employee of organization or subdivision ``organization_id`` (pending)."""
    employee = session.scalar(select(Employee).where(Employee.user_id == user.id))
    if employee is None:
        employee = Employee(user_id=user.id, organization_id=organization_id)
        session.add(employee)
    else:
        employee.organization_id = organization_id
    session.flush()
    audit("dmdk.employee.join", "user", user.id, None, {"organization_id": organization_id})
    return employee


def employees_of(organization_id: int) -> list[EmployeeRow]:
    """The employees of an organization and of its subdivisions, with their roles there and status."""
    subdivisions = list(
        session.scalars(select(Subdivision.organization_id).where(Subdivision.parent_id == organization_id))
    )
    held = organization_roles(organization_id)
    changed = set(session.scalars(select(RoleChange.user_id).where(RoleChange.organization_id == organization_id)))
    rows = session.execute(
        select(Employee, User)
        .join(User, User.id == Employee.user_id)
        .where(Employee.organization_id.in_([organization_id, *subdivisions]))
        .order_by(User.full_name, User.id)
    )
    result = []
    for employee, user in rows:
        roles = frozenset(held.get(user.id, set()) & set(ROLE_CODES))
        result.append(EmployeeRow(employee, user, roles, status_of(roles, user.id in changed)))
    return result


def history_of(user_id: int, organization_id: int) -> list[RoleChange]:
    """The employee's role changes in the organization, newest first."""
    return list(
        session.scalars(
            select(RoleChange)
            .where(RoleChange.user_id == user_id, RoleChange.organization_id == organization_id)
            .order_by(RoleChange.id.desc())
        )
    )


def users_holding(organization_id: int, permission: str) -> list[User]:
    """The active users whose roles in ``organization_id`` give them ``permission`` (whom its notices reach)."""
    codes = roles_granting(permission)
    ids = [user_id for user_id, held in organization_roles(organization_id).items() if held & codes]
    if not ids:
        return []
    return [user for user in session.scalars(select(User).where(User.id.in_(ids)).order_by(User.id)) if user.is_active]


def _administrators(organization_id: int) -> set[int]:
    return {user_id for user_id, codes in organization_roles(organization_id).items() if ADMIN in codes}


def set_roles(actor: User, user: User, organization_id: int, wanted: set[str]) -> tuple[set[str], set[str]]:
    """Give ``user`` exactly the roles ``wanted`` in ``organization_id``; returns (granted, revoked).

    Raises :class:`RoleChangeError` when the change would leave the organization without an administrator.
    """
    wanted &= set(ROLE_CODES)
    current = organization_roles(organization_id).get(user.id, set()) & set(ROLE_CODES)
    granted, revoked = wanted - current, current - wanted
    if ADMIN in revoked and _administrators(organization_id) <= {user.id}:
        raise RoleChangeError(
            _(
                "%(name)s is the organization's last administrator: make someone else an administrator first.",
                name=user.full_name or user.login,
            )
        )
    for code in sorted(granted):
        assign_role(user, code, organization_id)
        session.add(
            RoleChange(
                user_id=user.id, organization_id=organization_id, role_code=code, granted=True, actor_id=actor.id
            )
        )
    for code in sorted(revoked):
        revoke_role(user, code, organization_id)
        session.add(
            RoleChange(
                user_id=user.id, organization_id=organization_id, role_code=code, granted=False, actor_id=actor.id
            )
        )
    if granted or revoked:
        session.flush()
        audit(
            "dmdk.roles.change",
            "user",
            user.id,
            {"roles": sorted(current), "organization_id": organization_id},
            {"roles": sorted(wanted), "organization_id": organization_id},
        )
        _tell(user, organization_id, wanted)
    return granted, revoked


def _tell(user: User, organization_id: int, roles: set[str]) -> None:
    tenant = current_tenant()
    organization = session.get(Organization, organization_id)
    name = organization.name if organization is not None else ""
    with recipient_language(user, tenant):
        title = _("Your roles in %(name)s have changed", name=name)
        if roles:
            body = _("Your roles now: %(roles)s.", roles=", ".join(_(ROLE_TITLES[code]) for code in sorted(roles)))
        else:
            body = _("You hold no role there any more: your access to the organization's data is closed.")
    notify(user, "dmdk_roles", title, body, site_path("dmdk.my_organization"), tenant=tenant)
