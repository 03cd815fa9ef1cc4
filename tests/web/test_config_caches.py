"""Each worker keeps the tenant, its plugins and settings between requests, and sees another worker's change
at its next request (``core.db.config_version``).

Two apps on one database stand for two gunicorn workers: one warms its caches, the other changes the
configuration the way an administrator does, and the first must answer with the change.
"""

from __future__ import annotations

import pytest

from core.app import create_app
from core.db import cross_tenant, session, tenant_scope
from core.plugins import enablement
from core.settings.service import get_settings, save_settings
from core.tenants.models import Tenant
from core.testing.fixtures import tenant_path
from core.testing.statements import counted_statements


@pytest.fixture
def other_worker(app_config):
    """A second app on the same database: another worker process of the same site."""
    worker = create_app(app_config)
    yield worker
    worker.extensions["abonent.db"].dispose()


@pytest.fixture
def site(make_tenant, make_user, enable_plugin):
    tenant = make_tenant("cached", login_identifier="email", locale="en")
    enable_plugin(tenant, "isp")
    user = make_user(tenant, "ivanov@cached.example")
    return tenant, user


def test_a_plugin_switched_off_in_another_worker_is_gone_at_the_next_request(app, site, login, other_worker):
    tenant, user = site
    client = login(tenant, user)
    assert client.get(tenant_path(tenant, "/isp/")).status_code == 200  # warm: the plugin is on

    with other_worker.app_context():
        enablement.disable_plugin(session.merge(tenant), "isp")
        session.commit()

    assert client.get(tenant_path(tenant, "/isp/")).status_code == 404
    with other_worker.app_context():
        enablement.enable_plugin(session.merge(tenant), "isp")
        session.commit()
    assert client.get(tenant_path(tenant, "/isp/")).status_code == 200


def test_a_renamed_tenant_shows_its_new_name_in_every_worker(app, site, login, other_worker):
    tenant, user = site
    client = login(tenant, user)
    assert "Cached" in client.get(tenant_path(tenant, "/")).get_data(as_text=True)

    with other_worker.app_context(), cross_tenant():
        session.get(Tenant, tenant.id).name = "Уралсеть Плюс"
        session.commit()

    assert "Уралсеть Плюс" in client.get(tenant_path(tenant, "/")).get_data(as_text=True)


def test_settings_saved_in_another_worker_are_read_at_the_next_request(app, site, other_worker):
    tenant, _user = site
    with app.test_request_context(tenant_path(tenant, "/")), tenant_scope(tenant.id):
        assert get_settings("isp").promise_enabled is True

    with other_worker.app_context(), tenant_scope(tenant.id):
        save_settings("isp", {"promise_enabled": False})
        session.commit()

    with app.test_request_context(tenant_path(tenant, "/")), tenant_scope(tenant.id):
        assert get_settings("isp").promise_enabled is False


def test_a_request_that_changes_settings_reads_its_own_change(app, site):
    tenant, _user = site
    with app.test_request_context(tenant_path(tenant, "/")), tenant_scope(tenant.id):
        assert get_settings("isp").promise_enabled is True
        save_settings("isp", {"promise_enabled": False})
        assert get_settings("isp").promise_enabled is False
        session.rollback()  # never committed: no worker may keep it
        assert get_settings("isp").promise_enabled is True


def test_a_warm_worker_reads_no_tenant_plugin_or_settings_rows(app, site, login):
    tenant, user = site
    client = login(tenant, user)
    client.get(tenant_path(tenant, "/isp/"))
    with counted_statements(app) as statements:
        assert client.get(tenant_path(tenant, "/isp/")).status_code == 200
    read = " ".join(statements)
    assert "FROM tenants" not in read and "FROM tenant_plugins" not in read and "FROM tenant_settings" not in read
    assert sum("FROM config_version" in sql for sql in statements) == 1
