"""Public access service: who may do what, and changing role assignments (audited)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from flask import current_app, g
from sqlalchemy import select

from core.access.models import Role, RoleAssignment
from core.access.registry import AccessRegistry
from core.audit.service import record as audit
from core.db import session
from core.db.base import Base
from core.plugins.state import enabled_plugins
from core.tenants.models import Tenant

if TYPE_CHECKING:
    from core.identity.models import User

PLATFORM_PREFIX = "platform."
SELF_SERVICE_ROLE = "subscriber"


class RoleError(ValueError):
    """A role cannot be assigned: unknown, not assignable here, or organization scope mismatch."""


def registry() -> AccessRegistry:
    return current_app.extensions["abonent.access"]


def ensure_roles(tenant: Tenant, sources: set[str]) -> None:
    """Create the tenant's rows for built-in roles and the roles of the given plugins (idempotent)."""
    existing = set(session.scalars(select(Role.code)))
    for spec in registry().roles_for(sources | {"core"}):
        if spec.code == "platform_admin" and not tenant.is_platform:
            continue
        if spec.code not in existing:
            session.add(
                Role(
                    code=spec.code,
                    title=spec.title,
                    source=registry().role_source[spec.code],
                    organization_scoped=spec.organization_scoped,
                    extra_permissions=[],
                )
            )
    session.flush()


def _role_permissions(role: Role, enabled: frozenset[str], tenant: Tenant) -> set[str]:
    if role.source != "core" and role.source not in enabled:
        return set()
    reg = registry()
    granted = set(reg.default_permissions(role.code)) | set(role.extra_permissions or [])
    granted = {p for p in granted if reg.permission_source.get(p, "core") in enabled | {"core"}}
    if not tenant.is_platform:
        granted = {p for p in granted if not p.startswith(PLATFORM_PREFIX)}
    return granted


def _assignments(user: User) -> list[RoleAssignment]:
    cache = g.setdefault("role_assignments", {})
    if user.id not in cache:
        cache[user.id] = list(session.scalars(select(RoleAssignment).where(RoleAssignment.user_id == user.id)))
    return cache[user.id]


def remember_assignments(user: User, assignments: list[RoleAssignment]) -> None:
    """Take ``user``'s role assignments as read together with the user (the session's statement), for this request."""
    g.setdefault("role_assignments", {})[user.id] = list(assignments)


def forget_assignments() -> None:
    """Drop this request's memo of role assignments and permissions (after a role is given or taken)."""
    g.pop("role_assignments", None)
    g.pop("permissions", None)


@cache
def _organization_model() -> Any:
    """The mapped class a role assignment's ``organization_id`` points at (the kernel names no feature's model)."""
    table = next(iter(RoleAssignment.__table__.c.organization_id.foreign_keys)).column.table
    return next(mapper.class_ for mapper in Base.registry.mappers if mapper.local_table is table)


def _organization_chain(organization_id: int) -> set[int]:
    organization = _organization_model()
    chain: set[int] = set()
    current: int | None = organization_id
    while current is not None and current not in chain:
        chain.add(current)
        current = session.scalar(select(organization.parent_id).where(organization.id == current))
    return chain


def user_permissions(user: User, organization_id: int | None = None) -> frozenset[str]:
    """Every permission ``user`` holds tenant-wide, plus inside ``organization_id`` if given (once per request)."""
    memo = g._get_current_object().setdefault("permissions", {})
    key = (user.id, organization_id)
    found = memo.get(key)
    if found is None:
        found = memo[key] = _permissions(user, organization_id)
    return found


def _permissions(user: User, organization_id: int | None) -> frozenset[str]:
    tenant = g.tenant
    enabled = enabled_plugins(tenant)
    scope = _organization_chain(organization_id) if organization_id is not None else set()
    granted: set[str] = set()
    for assignment in _assignments(user):
        if assignment.organization_id is None or assignment.organization_id in scope:
            granted |= _role_permissions(assignment.role, enabled, tenant)
    return frozenset(granted)


def has_permission(user: User | None, permission: str, organization_id: int | None = None) -> bool:
    """True when an active ``user`` holds ``permission`` (inside ``organization_id`` if given)."""
    if user is None or not user.is_active:
        return False
    return permission in user_permissions(user, organization_id)


def user_roles(user: User) -> list[RoleAssignment]:
    """The user's role assignments (tenant-wide and per organization)."""
    return _assignments(user)


def organization_roles(organization_id: int) -> dict[int, set[str]]:
    """Who holds which roles directly in organization ``organization_id``: user id → role codes.

    For a vertical whose organization administrators manage their colleagues' roles (listing them, keeping the
    last administrator); roles held tenant-wide or in a parent organization are not listed.
    """
    held: dict[int, set[str]] = {}
    rows = session.execute(
        select(RoleAssignment.user_id, Role.code)
        .join(Role, Role.id == RoleAssignment.role_id)
        .where(RoleAssignment.organization_id == organization_id)
    )
    for user_id, code in rows:
        held.setdefault(user_id, set()).add(code)
    return held


def assign_role(user: User, role_code: str, organization_id: int | None = None) -> RoleAssignment:
    """Give ``user`` a role (in an organization for organization-scoped roles). Audited; idempotent."""
    role = session.scalar(select(Role).where(Role.code == role_code))
    if role is None:
        raise RoleError(f"unknown role {role_code!r}")
    if role.organization_scoped != (organization_id is not None):
        raise RoleError(f"role {role_code!r} must {'' if role.organization_scoped else 'not '}name an organization")
    existing = session.scalar(
        select(RoleAssignment).where(
            RoleAssignment.user_id == user.id,
            RoleAssignment.role_id == role.id,
            RoleAssignment.organization_id.is_(None)
            if organization_id is None
            else RoleAssignment.organization_id == organization_id,
        )
    )
    if existing is not None:
        return existing
    assignment = RoleAssignment(user_id=user.id, role_id=role.id, organization_id=organization_id, role=role)
    session.add(assignment)
    audit("role.assign", "user", user.id, None, {"role": role_code, "organization_id": organization_id})
    forget_assignments()
    return assignment


def revoke_role(user: User, role_code: str, organization_id: int | None = None) -> bool:
    """Take a role away from ``user``. Audited. Returns whether anything was removed."""
    for assignment in _assignments(user):
        if assignment.role.code == role_code and assignment.organization_id == organization_id:
            session.delete(assignment)
            audit("role.revoke", "user", user.id, {"role": role_code, "organization_id": organization_id}, None)
            forget_assignments()
            return True
    return False


def _escalates(actor: User, role: Role) -> bool:
    """Would giving ``role`` hand out a staff permission ``actor`` does not hold?

    The self-service permissions every subscriber holds for their own cabinet do not count (an
    operator opens cabinets without having one); anything a tenant added to a role on top does.
    """
    tenant = g.tenant
    brought = _role_permissions(role, enabled_plugins(tenant), tenant)
    return not brought - registry().default_permissions(SELF_SERVICE_ROLE) <= user_permissions(actor)


def can_assign(actor: User, role_code: str, organization_id: int | None = None) -> bool:
    """May ``actor`` give or take ``role_code`` (inside ``organization_id``)?

    A tenant-wide role needs the role's ``assignable_by`` permission (``staff.manage`` unless the role
    says otherwise; ``subscribers.manage`` for the subscriber role) and must not escalate: the actor
    already holds every staff permission the role brings. An organization-scoped role needs its
    ``assignable_by`` permission held in that organization (its administrator) or tenant-wide.
    """
    spec = registry().roles.get(role_code)
    if spec is None:
        return False
    if spec.organization_scoped:
        return organization_id is not None and has_permission(actor, spec.assignable_by, organization_id)
    if organization_id is not None or not has_permission(actor, spec.assignable_by):
        return False
    role = session.scalar(select(Role).where(Role.code == role_code))
    return role is not None and not _escalates(actor, role)


def may_act_on(actor: User | None, target: User) -> bool:
    """May ``actor`` act on ``target`` (status, password, roles …)? Only if they may grant every role it holds.

    So an operator never acts on an administrator or a colleague, and no one on a platform
    administrator without being able to make one. A user holding no role at all is anyone's.
    """
    if actor is None or not actor.is_active:
        return False
    return all(can_assign(actor, a.role.code, a.organization_id) for a in user_roles(target))


def assignable_roles(tenant: Tenant) -> list[Role]:
    """Roles of this tenant, in a stable order, for admin screens."""
    enabled = enabled_plugins(tenant) | {"core"}
    return [r for r in session.scalars(select(Role).order_by(Role.id)) if r.source in enabled]
