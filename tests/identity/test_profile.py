"""Profile: name and phone; e-mail change needs the password and a confirmation from the new address."""

import re

import pytest

from core.jobs.registry import run_job
from core.testing.fixtures import tenant_path


@pytest.fixture
def app_config(app_config, smtp_server):
    return {**app_config, "SMTP_URL": smtp_server.url}


def test_name_and_phone_are_saved_and_audited(app, make_tenant, make_user, login):
    tenant = make_tenant("isp", login_identifier="contract")
    user = make_user(tenant, "100", full_name="Old Name")
    client = login(tenant, user)
    response = client.submit(tenant_path(tenant, "/profile"), {"full_name": "Новое Имя", "phone": "+7 900 1"})
    assert response.status_code == 302
    assert "Новое Имя" in client.get(tenant_path(tenant, "/profile")).get_data(as_text=True)
    admin = make_user(tenant, "boss", roles=("tenant_admin",))
    audit = login(tenant, admin).get(tenant_path(tenant, "/admin/audit")).get_data(as_text=True)
    assert "user.profile" in audit and "Новое Имя" in audit


def test_email_change_needs_password_and_confirmation(app, make_tenant, make_user, login, smtp_server):
    tenant = make_tenant("housing", login_identifier="email")
    user = make_user(tenant, "old@example.com", password="Passw0rd-1")
    client = login(tenant, user)
    refused = client.submit(
        tenant_path(tenant, "/profile/email"),
        {"em-email": "new@example.com", "em-password": "wrong"},
        form_url=tenant_path(tenant, "/profile"),
    )
    assert refused.status_code == 400
    accepted = client.submit(
        tenant_path(tenant, "/profile/email"),
        {"em-email": "new@example.com", "em-password": "Passw0rd-1"},
        form_url=tenant_path(tenant, "/profile"),
    )
    assert accepted.status_code == 302
    run_job(app, "core.mail.deliver")
    [message] = smtp_server.sink.to("new@example.com")
    link = re.search(r"https?://\S+/profile/email/confirm/\S+", message.get_body(("plain",)).get_content()).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    # Not changed until confirmed: the old login still works.
    assert (
        app.test_client()
        .submit(tenant_path(tenant, "/login"), {"login": "old@example.com", "password": "Passw0rd-1"})
        .status_code
        == 302
    )
    assert client.get(path).status_code == 200
    assert client.get(path).status_code == 410  # single use
    fresh = app.test_client()
    assert (
        fresh.submit(tenant_path(tenant, "/login"), {"login": "new@example.com", "password": "Passw0rd-1"}).status_code
        == 302
    )
