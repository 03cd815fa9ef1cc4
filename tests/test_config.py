"""Configuration from the environment; production refuses the demo secret; health check."""

import pytest

from core.app import create_app
from core.config import ConfigError, load_config


def test_production_refuses_to_start_without_a_real_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("ABONENT_ENV", "production")
    monkeypatch.delenv("ABONENT_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="ABONENT_SECRET_KEY"):
        create_app({"INSTANCE_DIR": str(tmp_path)})
    monkeypatch.setenv("ABONENT_SECRET_KEY", "short")
    with pytest.raises(ConfigError):
        load_config()


def test_production_with_a_real_secret_uses_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("ABONENT_ENV", "production")
    monkeypatch.setenv("ABONENT_SECRET_KEY", "k" * 48)
    monkeypatch.setenv("ABONENT_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    config = load_config()
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["DATABASE_URL"].endswith("x.db")


def test_the_base_url_is_a_platform_host_and_must_be_an_address(monkeypatch):
    monkeypatch.setenv("ABONENT_BASE_URL", "https://lk.example/")
    config = load_config()
    assert config["BASE_URL"] == "https://lk.example" and "lk.example" in config["PLATFORM_HOSTS"]
    monkeypatch.setenv("ABONENT_BASE_URL", "lk.example")
    with pytest.raises(ConfigError, match="ABONENT_BASE_URL"):
        load_config()


def test_smtp_and_database_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("ABONENT_SMTP_URL", "smtp://mail.example:2525")
    monkeypatch.setenv("ABONENT_DATABASE_URL", "postgresql+psycopg://app@db/abonent")
    config = load_config()
    assert config["SMTP_URL"] == "smtp://mail.example:2525"
    assert config["DATABASE_URL"] == "postgresql+psycopg://app@db/abonent"


def test_healthz_says_alive_and_readyz_reports_the_database(app, client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_readyz_says_when_the_database_is_down_while_healthz_stays_alive(app_config, tmp_path):
    broken = create_app({**app_config, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    client = broken.test_client()
    assert client.get("/healthz").status_code == 200  # alive: restarting the server would not bring the database
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"


def test_unknown_tenant_is_a_404_page_and_suspended_shows_contacts(app, make_tenant, client):
    assert client.get("/t/nobody/").status_code == 404
    assert client.get("/", headers={"Host": "nobody.localhost"}).status_code == 404
    make_tenant(
        "sleepy", status="suspended", contacts={"hotline": ["8 800 000-00-01"], "support_email": "help@sleepy.example"}
    )
    page = client.get("/t/sleepy/login")
    assert page.status_code == 503
    assert "8 800 000-00-01" in page.get_data(as_text=True) and "help@sleepy.example" in page.get_data(as_text=True)


def test_tenant_is_found_by_subdomain_and_custom_domain(app, make_tenant, client):
    from core.db import cross_tenant, session
    from core.tenants.models import Tenant, TenantDomain

    tenant = make_tenant("acme", name="Acme Telecom")
    with app.app_context(), cross_tenant():
        session.add(TenantDomain(tenant_id=tenant.id, host="lk.acme.example"))
        session.commit()
        assert session.get(Tenant, tenant.id).slug == "acme"
    for host in ("acme.localhost:5000", "lk.acme.example"):
        page = client.get("/login", headers={"Host": host})
        assert page.status_code == 200 and "Acme Telecom" in page.get_data(as_text=True), host


def test_security_headers(app, make_tenant, client):
    make_tenant("acme")
    response = client.get("/t/acme/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_forms_without_csrf_token_are_refused(app, make_tenant, make_user, client):
    tenant = make_tenant("acme")
    make_user(tenant, "ann@example.com", password="Passw0rd-1")
    response = client.post("/t/acme/login", data={"login": "ann@example.com", "password": "Passw0rd-1"})
    assert response.status_code == 400
