"""Employees and the four organization roles: an employee joins (awaiting roles), the organization's administrator
assigns roles (history, audit, notice), status follows the roles, the last administrator is kept, each role
reaches exactly its pages, and another organization's or tenant's objects answer 404."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.api import session, tenant_scope
from core.testing.fixtures import tenant_path
from plugins.dmdk.employees.roles import ADMIN, APPLICATIONS, BATCHES, PARTICIPANT
from plugins.dmdk.models import OrganizationProfile, RoleChange
from tests.plugins.dmdk.orgs import NEVA, NORTH, bind_certificate, fill_wizard

PAGES = ("employees", "directory", "applications", "batches", "")
REACHES = {
    ADMIN: {"employees", ""},
    PARTICIPANT: {"directory", "applications", ""},
    BATCHES: {"batches", ""},
    APPLICATIONS: {"applications", ""},
}


@pytest.fixture
def world(app, make_tenant, make_user, enable_plugin, login):
    """``world(slug, locale="en")``: a tenant where Петров registered АО «Северное сияние» through the wizard.
    Returns ``(tenant, organization_id, head client, add_employee)``; ``add_employee(login)`` makes a user who
    joined the organization through the page and returns ``(user, client)``."""

    def build(slug: str, locale: str = "en", organization=NORTH):
        tenant = make_tenant(slug, locale=locale)
        enable_plugin(tenant, "dmdk")
        head = make_user(tenant, f"head@{slug}.example", full_name="Петров Пётр", roles=())
        bind_certificate(app, tenant, head, organization["inn"])
        head_client = login(tenant, head)
        fill_wizard(head_client, tenant, organization["ogrn"])
        with app.app_context(), tenant_scope(tenant.id):
            organization_id = session.scalar(select(OrganizationProfile.organization_id))

        def add_employee(name: str, place: int | None = None):
            user = make_user(tenant, f"{name}@{slug}.example", full_name=name.capitalize(), roles=())
            client = login(tenant, user)
            response = client.submit(
                tenant_path(tenant, "/dmdk/organization/join"),
                {"organization_id": str(place or organization_id)},
                form_url=tenant_path(tenant, "/dmdk/organization"),
            )
            assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
            return user, client

        return tenant, organization_id, head, head_client, add_employee

    return build


def set_roles(client, tenant, organization_id, user_id, roles):
    url = tenant_path(tenant, f"/dmdk/organizations/{organization_id}/employees/{user_id}")
    return client.submit(url, {"roles": list(roles)} if roles else {})


def test_an_employee_waits_for_roles_then_is_active_then_deleted(app, world):
    tenant, organization_id, head, head_client, add_employee = world("dm-emp")
    user, client = add_employee("сидоров")
    assert "has not assigned your roles yet" in client.get(tenant_path(tenant, "/dmdk/organization")).get_data(
        as_text=True
    )
    listing = head_client.get(tenant_path(tenant, f"/dmdk/organizations/{organization_id}/employees"))
    assert "Сидоров" in listing.get_data(as_text=True) and "Awaiting roles" in listing.get_data(as_text=True)
    assert set_roles(head_client, tenant, organization_id, user.id, [PARTICIPANT, BATCHES]).status_code == 302
    page = client.get(tenant_path(tenant, "/dmdk/organization")).get_data(as_text=True)
    assert "Your status: Active" in page and "Batches" in page
    assert set_roles(head_client, tenant, organization_id, user.id, []).status_code == 302
    page = client.get(tenant_path(tenant, "/dmdk/organization")).get_data(as_text=True)
    assert "Your status: Deleted" in page and "Batches" not in page
    employee_page = head_client.get(tenant_path(tenant, f"/dmdk/organizations/{organization_id}/employees/{user.id}"))
    text = employee_page.get_data(as_text=True)
    assert "Batch operations taken away" in text and "DMDK participant given" in text
    with app.app_context(), tenant_scope(tenant.id):
        changes = list(session.scalars(select(RoleChange).where(RoleChange.user_id == user.id).order_by(RoleChange.id)))
        assert [(c.role_code, c.granted, c.actor_id) for c in changes] == [
            (BATCHES, True, head.id),
            (PARTICIPANT, True, head.id),
            (BATCHES, False, head.id),
            (PARTICIPANT, False, head.id),
        ]
    notices = client.get(tenant_path(tenant, "/notifications")).get_data(as_text=True)
    assert "Your roles in АО «Северное сияние» have changed" in notices
    audit = head_client.get(tenant_path(tenant, "/admin/audit"))
    assert audit.status_code in (403, 404)  # the organization's administrator is not tenant staff


def test_the_audit_log_records_role_changes(app, world, make_user, login):
    tenant, organization_id, _head, head_client, add_employee = world("dm-audit")
    user, _client = add_employee("козлов")
    set_roles(head_client, tenant, organization_id, user.id, [APPLICATIONS])
    from core.audit.models import AuditEvent

    with app.app_context(), tenant_scope(tenant.id):
        actions = [e.action for e in session.scalars(select(AuditEvent).where(AuditEvent.object_id == str(user.id)))]
    assert "dmdk.roles.change" in actions and "role.assign" in actions and "dmdk.employee.join" in actions


@pytest.mark.parametrize("role", [ADMIN, PARTICIPANT, BATCHES, APPLICATIONS])
def test_each_role_reaches_exactly_its_pages(world, role):
    tenant, organization_id, _head, head_client, add_employee = world(f"dm-m-{role.replace('_', '-')}")
    user, client = add_employee("иванов")
    assert set_roles(head_client, tenant, organization_id, user.id, [role]).status_code == 302
    for page in PAGES:
        url = tenant_path(tenant, f"/dmdk/organizations/{organization_id}" + (f"/{page}" if page else ""))
        expected = 200 if page in REACHES[role] else 404
        assert client.get(url).status_code == expected, (role, page)
    employee_url = tenant_path(tenant, f"/dmdk/organizations/{organization_id}/employees/{user.id}")
    assert client.get(employee_url).status_code == (200 if role == ADMIN else 404)


def test_without_a_role_no_page_opens(world):
    tenant, organization_id, _head, _head_client, add_employee = world("dm-norole")
    _user, client = add_employee("никто")
    for page in PAGES:
        url = tenant_path(tenant, f"/dmdk/organizations/{organization_id}" + (f"/{page}" if page else ""))
        assert client.get(url).status_code == 404


def test_the_last_administrator_keeps_the_role(app, world):
    tenant, organization_id, head, head_client, add_employee = world("dm-last")
    response = set_roles(head_client, tenant, organization_id, head.id, [PARTICIPANT])
    assert response.status_code == 400
    assert "the organization&#39;s last administrator" in response.get_data(as_text=True)
    with app.app_context(), tenant_scope(tenant.id):
        assert session.scalar(select(RoleChange).where(RoleChange.granted.is_(False))) is None
    deputy, deputy_client = add_employee("заместитель")
    assert set_roles(head_client, tenant, organization_id, deputy.id, [ADMIN]).status_code == 302
    assert set_roles(head_client, tenant, organization_id, head.id, [PARTICIPANT]).status_code == 302
    # the former head no longer manages roles; the deputy does, and cannot drop the last administrator either
    assert head_client.get(tenant_path(tenant, f"/dmdk/organizations/{organization_id}/employees")).status_code == 404
    assert set_roles(deputy_client, tenant, organization_id, deputy.id, []).status_code == 400


def test_a_subdivisions_employee_is_managed_by_the_organization(app, world):
    tenant, organization_id, _head, head_client, add_employee = world("dm-sub")
    from plugins.dmdk.models import Subdivision

    with app.app_context(), tenant_scope(tenant.id):
        branch_id = session.scalar(select(Subdivision.organization_id))
    user, client = add_employee("филиалов", place=branch_id)
    listing = head_client.get(tenant_path(tenant, f"/dmdk/organizations/{organization_id}/employees"))
    assert "Филиалов" in listing.get_data(as_text=True)
    assert set_roles(head_client, tenant, organization_id, user.id, [BATCHES]).status_code == 302
    assert client.get(tenant_path(tenant, f"/dmdk/organizations/{organization_id}/batches")).status_code == 200


def test_another_organizations_and_another_tenants_objects_answer_404(app, world, make_user, login):
    tenant, north_id, _head, north_client, add_employee = world("dm-iso")
    stranger = make_user(tenant, "neva-head@dm-iso.example", full_name="Невский", roles=())
    bind_certificate(app, tenant, stranger, NEVA["inn"])
    neva_client = login(tenant, stranger)
    fill_wizard(neva_client, tenant, NEVA["ogrn"])
    with app.app_context(), tenant_scope(tenant.id):
        neva_id = session.scalar(
            select(OrganizationProfile.organization_id).where(OrganizationProfile.inn == NEVA["inn"])
        )
    north_employee, _client = add_employee("северов")
    for page in PAGES:
        url = tenant_path(tenant, f"/dmdk/organizations/{neva_id}" + (f"/{page}" if page else ""))
        assert north_client.get(url).status_code == 404
    # another organization's employee through this organization's administrator, and the reverse
    url = tenant_path(tenant, f"/dmdk/organizations/{neva_id}/employees/{north_employee.id}")
    assert neva_client.get(url).status_code == 404
    assert neva_client.post(url, data={"roles": [ADMIN]}).status_code in (400, 404)
    # another tenant: the same ids are not found
    other, _other_id, _other_head, other_client, _add = world("dm-iso-2")
    for page in PAGES:
        url = tenant_path(other, f"/dmdk/organizations/{north_id}" + (f"/{page}" if page else ""))
        if _other_id != north_id:
            assert other_client.get(url).status_code == 404


def test_tenant_staff_may_assign_roles_too(world, make_user, login):
    tenant, organization_id, _head, _head_client, add_employee = world("dm-staff")
    user, _client = add_employee("петрова")
    admin = make_user(tenant, "admin@dm-staff.example", roles=("tenant_admin",))
    staff = login(tenant, admin)
    assert set_roles(staff, tenant, organization_id, user.id, [APPLICATIONS]).status_code == 302


def test_russian_employee_pages(world):
    tenant, organization_id, _head, head_client, add_employee = world("dm-emp-ru", locale="ru")
    user, _client = add_employee("смирнов")
    page = head_client.get(tenant_path(tenant, f"/dmdk/organizations/{organization_id}/employees")).get_data(
        as_text=True
    )
    assert "Сотрудники и роли" in page and "Ожидает ролей" in page and "<table" not in page
    page = head_client.get(tenant_path(tenant, f"/dmdk/organizations/{organization_id}/employees/{user.id}")).get_data(
        as_text=True
    )
    assert "Администратор организации" in page and "Участник ДМДК" in page and "<table" not in page
