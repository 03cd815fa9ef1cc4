"""One tenant per request, decided by the host; hosts nobody configured are refused (issue #10: 2, 10)."""

from __future__ import annotations

import pytest

from core.testing.fixtures import tenant_path
from core.testing.web import _CSRF


@pytest.fixture
def acme(app, make_tenant):
    """A tenant with a custom domain of its own, and a second tenant without one."""
    from core.db import cross_tenant, session
    from core.tenants.models import TenantDomain

    tenant = make_tenant("acme", name="Acme Telecom")
    make_tenant("beta", name="Beta Net")
    with app.app_context(), cross_tenant():
        session.add(TenantDomain(tenant_id=tenant.id, host="lk.acme.example"))
        session.commit()
    return tenant


def _submit(client, url: str, data: dict, **kwargs):
    token = _CSRF.search(client.get(url, **kwargs).get_data(as_text=True)).group(1)
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


@pytest.mark.parametrize("host", ["evil.example", "evil.example:5000", "localhost.evil.example", "acme.localhost.evil"])
def test_a_host_nobody_configured_is_refused_with_a_plain_message(acme, client, host):
    for path in ("/t/acme/login", "/t/acme/password/reset", "/login", "/"):
        response = client.get(path, headers={"Host": host})
        assert response.status_code == 400, (host, path)
        assert response.mimetype == "text/plain"
        assert "evil" in response.get_data(as_text=True)


def test_configured_hosts_still_reach_their_tenants(acme, client):
    assert "Acme Telecom" in client.get("/t/acme/login").get_data(as_text=True)  # a platform host, by path
    assert "Acme Telecom" in client.get("/login", headers={"Host": "lk.acme.example"}).get_data(as_text=True)
    assert "Acme Telecom" in client.get("/login", headers={"Host": "acme.localhost:5000"}).get_data(as_text=True)
    assert "Beta Net" in client.get("/t/beta/login", headers={"Host": "127.0.0.1:5000"}).get_data(as_text=True)
    assert client.get("/healthz", headers={"Host": "10.0.0.7"}).status_code == 200  # probes name any host


def test_the_reset_mail_of_a_forged_host_is_never_sent(app, acme, make_user, client):
    from core.db import session, tenant_scope
    from core.jobs.registry import run_job
    from core.mail.models import OutboxMessage

    make_user(acme, "ann@example.com", email="ann@example.com")
    token = _CSRF.search(client.get("/t/acme/password/reset").get_data(as_text=True)).group(1)
    forged = client.post(
        "/t/acme/password/reset",
        data={"login": "ann@example.com", "csrf_token": token},
        headers={"Host": "evil.example"},
    )
    assert forged.status_code == 400
    response = _submit(client, "/t/acme/password/reset", {"login": "ann@example.com"}, base_url="http://127.0.0.1:8080")
    assert response.status_code == 200
    run_job(app, "core.identity.reset_mail")  # reset requests become mail in the job queue
    with app.app_context(), tenant_scope(acme.id):
        [mail] = session.query(OutboxMessage).all()
    assert "http://localhost/t/acme/password/reset/" in mail.body_text  # BASE_URL of the test config
    assert "evil" not in mail.body_text and "127.0.0.1" not in mail.body_text


def test_a_tenants_own_domain_cannot_show_another_tenant_by_path(acme, client):
    for host in ("lk.acme.example", "acme.localhost"):
        assert client.get("/t/beta/login", headers={"Host": host}).status_code == 404, host
        assert "Acme Telecom" in client.get("/t/acme/login", headers={"Host": host}).get_data(as_text=True)


def test_two_path_tenants_in_one_browser_keep_their_own_logins(acme, make_tenant, make_user, login, app):
    from core.db import cross_tenant, session
    from core.tenants.models import Tenant

    with app.app_context(), cross_tenant():
        beta = session.query(Tenant).filter_by(slug="beta").one()
        session.expunge(beta)
    ann = make_user(acme, "ann@example.com", full_name="Ann Acme")
    bob = make_user(beta, "bob@example.com", full_name="Bob Beta")
    client = login(acme, ann)
    assert _submit(client, "/t/beta/login", {"login": bob.login, "password": bob.password}).status_code == 302
    acme_page = client.get(tenant_path(acme, "/"))
    beta_page = client.get(tenant_path(beta, "/"))
    assert acme_page.status_code == 200 and "Ann Acme" in acme_page.get_data(as_text=True)
    assert beta_page.status_code == 200 and "Bob Beta" in beta_page.get_data(as_text=True)


def test_a_session_made_for_one_tenant_is_empty_for_another(acme, make_user, login, app):
    """Even a cookie carried over by hand logs nobody in and brings no state into another tenant."""
    ann = make_user(acme, "ann@example.com", full_name="Ann Acme")
    client = login(acme, ann)
    value = client.get_cookie("abonent_session_acme", path="/t/acme").value
    other = app.test_client()
    other.set_cookie("abonent_session_beta", value, path="/t/beta")
    response = other.get("/t/beta/")
    assert response.status_code == 302 and "/t/beta/login" in response.headers["Location"]
    cleared = other.get_cookie("abonent_session_beta", path="/t/beta")
    assert cleared is None or cleared.value != value
