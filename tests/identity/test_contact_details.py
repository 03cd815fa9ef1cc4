"""Staff correct a subscriber's name, phone, e-mail and address; the change is in the audit log, in words."""

from __future__ import annotations

import pytest

from core.accounts.service import grant_access, open_account
from core.audit.models import AuditEvent
from core.db import session, tenant_scope
from core.identity.models import User
from core.testing.fixtures import tenant_path


@pytest.fixture
def office(app, make_tenant, make_user):
    tenant = make_tenant("office", login_identifier="contract", locale="en")
    subscriber = make_user(tenant, "100200", full_name="Ivanov", email="old@example.com")
    make_user(tenant, "100300", email="taken@example.com")
    with app.app_context(), tenant_scope(tenant.id):
        account = open_account("100200", holder_name="Ivanov", address="Lenina 1")
        grant_access(session.get(User, subscriber.id), account)
        session.commit()
    operator = make_user(tenant, "operator", roles=("operator",))
    admin = make_user(tenant, "boss", roles=("tenant_admin",))
    return tenant, subscriber, operator, admin


def test_operator_corrects_the_details_and_the_audit_log_says_so(app, office, login):
    tenant, subscriber, operator, admin = office
    client = login(tenant, operator)
    edit = tenant_path(tenant, f"/admin/subscribers/{subscriber.id}/edit")
    response = client.submit(
        edit, {"full_name": "Ivanov Ivan", "phone": "+7 900 000-00-00", "email": "new@example.com", "address": "Mira 2"}
    )
    assert response.status_code == 302
    card = client.get(tenant_path(tenant, f"/admin/subscribers/{subscriber.id}")).get_data(as_text=True)
    assert "Ivanov Ivan" in card and "+7 900 000-00-00" in card and "new@example.com" in card and "Mira 2" in card
    with app.app_context(), tenant_scope(tenant.id):
        event = session.query(AuditEvent).filter_by(action="user.contact_details").one()
        assert event.before["email"] == "old@example.com" and event.after["address"] == "Mira 2"
    log = login(tenant, admin).get(tenant_path(tenant, "/admin/audit")).get_data(as_text=True)
    assert f'Changed the contact details of subscriber <span class="mono">{subscriber.id}</span>' in log
    assert 'E-mail: <span class="mono">old@example.com</span> → <span class="mono">new@example.com</span>' in log


@pytest.mark.parametrize(
    ("email", "message"),
    [("not-an-address", "Enter a valid e-mail address."), ("taken@example.com", "Another user already has")],
)
def test_a_bad_email_is_a_form_error_and_nothing_changes(app, office, login, email, message):
    tenant, subscriber, operator, _admin = office
    response = login(tenant, operator).submit(
        tenant_path(tenant, f"/admin/subscribers/{subscriber.id}/edit"),
        {"full_name": "Changed", "phone": "", "email": email, "address": "Lenina 1"},
    )
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with app.app_context(), tenant_scope(tenant.id):
        assert session.get(User, subscriber.id).full_name == "Ivanov"


def test_another_tenants_subscriber_is_not_found(app, office, make_tenant, make_user, login):
    _tenant, subscriber, _operator, _admin = office
    other = make_tenant("other", login_identifier="contract", locale="en")
    client = login(other, make_user(other, "op", roles=("operator",)))
    assert client.get(tenant_path(other, f"/admin/subscribers/{subscriber.id}/edit")).status_code == 404
