"""A certificate without an account registers one (bound to the certificate's SNILS and INN); its owner then
registers their organization through the wizard or joins one as an employee; the next login finds the account."""

from __future__ import annotations

from sqlalchemy import select

from core.api import session, tenant_scope
from core.testing.fixtures import tenant_path
from plugins.dmdk.models import CertificateHolder
from tests.plugins.dmdk.orgs import NORTH, fill_wizard
from tests.plugins.dmdk.test_certificate_login import attempt, ca, chain, person, site  # noqa: F401 - fixtures


def register(client, tenant, email: str, name: str = "Петров Пётр"):
    return client.submit(tenant_path(tenant, "/dmdk/register"), {"full_name": name, "email": email})


def test_the_head_registers_with_a_certificate_then_the_organization(app, site, ca):  # noqa: F811
    tenant = site("dm-cert-head")
    key, cert = person(ca, name="Петров Пётр", snils="12345678964", inn="500100732259", inn_le=NORTH["inn"])
    client = app.test_client()
    # the registration page opens only after a verified certificate
    assert client.get(tenant_path(tenant, "/dmdk/register")).status_code == 404
    response, _data = attempt(client, tenant, key, chain(ca, cert))
    assert response.location.endswith("/dmdk/register")
    page = client.get(tenant_path(tenant, "/dmdk/register")).get_data(as_text=True)
    assert 'value="Петров Пётр"' in page
    assert "Enter a valid e-mail address." in register(client, tenant, "nope").get_data(as_text=True)
    response = register(client, tenant, "petrov@north.example")
    assert response.status_code == 302 and response.location.endswith("/dmdk/organization")
    assert "Register an organization" in client.get(response.location).get_data(as_text=True)
    with app.app_context(), tenant_scope(tenant.id):
        holder = session.scalar(select(CertificateHolder).where(CertificateHolder.snils == "12345678964"))
        assert (holder.inn, holder.organization_inn) == ("500100732259", NORTH["inn"])
    fill_wizard(client, tenant)
    # the next login with the same certificate finds the account
    again = app.test_client()
    response, _data = attempt(again, tenant, key, chain(ca, cert))
    assert response.status_code == 302 and not response.location.endswith("/dmdk/register")
    assert "АО «Северное сияние»" in again.get(tenant_path(tenant, "/dmdk/organization")).get_data(as_text=True)


def test_an_employee_registers_with_their_own_certificate_and_waits_for_roles(app, site, ca):  # noqa: F811
    tenant = site("dm-cert-emp")
    head_key, head_cert = person(ca, name="Петров Пётр", snils="12345678964", inn="500100732259", inn_le=NORTH["inn"])
    head = app.test_client()
    attempt(head, tenant, head_key, chain(ca, head_cert))
    register(head, tenant, "petrov@north.example")
    fill_wizard(head, tenant)
    key, cert = person(ca, name="Сидорова Анна", snils="08765432100", inn="772800000010", inn_le=NORTH["inn"])
    client = app.test_client()
    attempt(client, tenant, key, chain(ca, cert))
    register(client, tenant, "sidorova@north.example", "Сидорова Анна")
    page = client.get(tenant_path(tenant, "/dmdk/organization")).get_data(as_text=True)
    assert "АО «Северное сияние»" in page
    with app.app_context(), tenant_scope(tenant.id):
        from core.api import Organization

        organization_id = session.scalar(select(Organization.id).where(Organization.parent_id.is_(None)))
    response = client.submit(
        tenant_path(tenant, "/dmdk/organization/join"),
        {"organization_id": str(organization_id)},
        form_url=tenant_path(tenant, "/dmdk/organization"),
    )
    assert response.status_code == 302
    assert "has not assigned your roles yet" in client.get(tenant_path(tenant, "/dmdk/organization")).get_data(
        as_text=True
    )
    listing = head.get(tenant_path(tenant, f"/dmdk/organizations/{organization_id}/employees")).get_data(as_text=True)
    assert "Сидорова Анна" in listing
