"""Role assignments inside an organization: they count there (and in its subdivisions) only."""

import pytest

from core.access.service import RoleError, assign_role, can_assign, has_permission
from core.db import session, tenant_scope
from core.identity.models import Organization, User
from core.plugins.markers import hookimpl
from core.plugins.types import Permission, PluginInfo, RoleSpec


class OrgRolesPlugin:
    plugin_info = PluginInfo(name="orgroles", version="0.1", title="Org roles")

    @staticmethod
    @hookimpl
    def register_permissions():
        return [Permission("orgroles.assign", "Assign organization roles"), Permission("orgroles.batches", "Batches")]

    @staticmethod
    @hookimpl
    def register_roles():
        return [
            RoleSpec(
                "org_admin",
                "Organization administrator",
                ("orgroles.assign",),
                organization_scoped=True,
                assignable_by="orgroles.assign",
            ),
            RoleSpec(
                "batch_clerk",
                "Batch operations",
                ("orgroles.batches",),
                organization_scoped=True,
                assignable_by="orgroles.assign",
            ),
        ]


@pytest.fixture
def app_plugins():
    return [OrgRolesPlugin]


@pytest.fixture
def setup(app, make_tenant, make_user, enable_plugin):
    tenant = make_tenant("registry")
    enable_plugin(tenant, "orgroles")
    boss = make_user(tenant, "boss@org.example")
    clerk = make_user(tenant, "clerk@org.example")
    with app.test_request_context(), tenant_scope(tenant.id):
        from flask import g

        g.tenant = session.merge(tenant)
        head = Organization(name="Jewel LLC")
        session.add(head)
        session.flush()
        branch = Organization(name="Jewel LLC, Yakutsk branch", parent_id=head.id)
        other = Organization(name="Other LLC")
        session.add_all([branch, other])
        session.flush()
        assign_role(session.get(User, boss.id), "org_admin", head.id)
        session.commit()
        ids = {"head": head.id, "branch": branch.id, "other": other.id}
    return tenant, boss, clerk, ids


def test_organization_admin_assigns_roles_in_own_organization_only(app, setup):
    tenant, boss, clerk, ids = setup
    with app.test_request_context(), tenant_scope(tenant.id):
        from flask import g

        g.tenant = session.merge(tenant)
        boss_row, clerk_row = session.get(User, boss.id), session.get(User, clerk.id)
        assert can_assign(boss_row, "batch_clerk", ids["head"])
        assert can_assign(boss_row, "batch_clerk", ids["branch"])  # subdivisions inherit
        assert not can_assign(boss_row, "batch_clerk", ids["other"])
        assert not can_assign(boss_row, "operator")  # tenant-wide roles are the tenant staff's business
        assign_role(clerk_row, "batch_clerk", ids["branch"])
        session.commit()
        assert has_permission(clerk_row, "orgroles.batches", ids["branch"])
        assert not has_permission(clerk_row, "orgroles.batches", ids["head"])
        assert not has_permission(clerk_row, "orgroles.batches")
        with pytest.raises(RoleError):
            assign_role(clerk_row, "batch_clerk")  # an organization role needs an organization


def test_organization_roles_vanish_when_the_plugin_is_disabled(app, setup, disable_plugin):
    tenant, boss, _clerk, ids = setup
    disable_plugin(tenant, "orgroles")
    with app.test_request_context(), tenant_scope(tenant.id):
        from flask import g

        g.tenant = session.merge(tenant)
        assert not has_permission(session.get(User, boss.id), "orgroles.assign", ids["head"])
