"""The four organization roles of a participant (organization-scoped roles of core) and what each may open, and the
tenant-wide permissions of the registry's side (the simulated registry operator who works the applications)."""

from __future__ import annotations

from core.api import N_, Permission, RoleSpec

ADMIN = "dmdk_org_admin"
PARTICIPANT = "dmdk_participant"
BATCHES = "dmdk_batches"
APPLICATIONS = "dmdk_applications"

MANAGE_ROLES = "dmdk.roles.manage"
VIEW_ORGANIZATION = "dmdk.organization.view"
DIRECTORY = "dmdk.directory.view"
WORK_APPLICATIONS = "dmdk.applications.work"
WORK_BATCHES = "dmdk.batches.work"
MANAGE_EXCHANGE = "dmdk.exchange.manage"
OPERATE_REGISTRY = "dmdk.registry.operate"
CONFIGURE_REGISTRY = "dmdk.registry.configure"

ROLES = (
    RoleSpec(
        ADMIN,
        N_("Organization administrator"),
        (MANAGE_ROLES, VIEW_ORGANIZATION, MANAGE_EXCHANGE),
        True,
        assignable_by=MANAGE_ROLES,
    ),
    RoleSpec(
        PARTICIPANT,
        N_("DMDK participant"),
        (VIEW_ORGANIZATION, DIRECTORY, WORK_APPLICATIONS),
        True,
        assignable_by=MANAGE_ROLES,
    ),
    RoleSpec(BATCHES, N_("Batch operations"), (VIEW_ORGANIZATION, WORK_BATCHES), True, assignable_by=MANAGE_ROLES),
    RoleSpec(
        APPLICATIONS, N_("Applications"), (VIEW_ORGANIZATION, WORK_APPLICATIONS), True, assignable_by=MANAGE_ROLES
    ),
)
ROLE_CODES = tuple(spec.code for spec in ROLES)
ROLE_TITLES = {spec.code: spec.title for spec in ROLES}

PERMISSIONS = (
    Permission(MANAGE_ROLES, "Assign the organization roles of its employees", ("tenant_admin",)),
    Permission(VIEW_ORGANIZATION, "See the organization's profile", ("tenant_admin",)),
    Permission(DIRECTORY, "See the directory of participants"),
    Permission(WORK_APPLICATIONS, "Work with the organization's applications and notices"),
    Permission(WORK_BATCHES, "Work with the organization's batches and specifications"),
    Permission(MANAGE_EXCHANGE, "Manage the organization's information exchange profiles", ("tenant_admin",)),
    Permission(
        OPERATE_REGISTRY,
        "Work special-registration applications as the registry operator",
        ("operator", "tenant_admin"),
    ),
    Permission(CONFIGURE_REGISTRY, "Choose the documents a special-registration application needs", ("tenant_admin",)),
)


def roles_granting(permission: str) -> frozenset[str]:
    """The organization roles whose holders get ``permission`` in the organization."""
    return frozenset(spec.code for spec in ROLES if permission in spec.permissions)
