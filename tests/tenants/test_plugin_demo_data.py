"""``abonent demo`` hands each plugin its ``[demo.plugins.<name>]`` table (``load_demo_data``)."""

import click
import pytest

from core.app import create_app
from core.cli.demo import prepare_demo
from core.db import session, tenant_scope
from core.identity import service
from core.identity.passwords import verify_password
from tests.identity import variant_plugin

TENANT = """
slug = "demo-data-site"
name = "Demo data site"
login_identifier = "contract"
[plugins.variants]
enabled = {enabled}
[demo.plugins.variants]
catalogue = ["basic", "max"]
"""


def _prepare(tmp_path, enabled: str):
    folder = tmp_path / "tenants"
    folder.mkdir()
    (folder / "site.toml").write_text(TENANT.format(enabled=enabled), encoding="utf-8")
    app = create_app(
        {"INSTANCE_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}"},
        plugins=[variant_plugin],
    )
    with app.app_context():
        return prepare_demo(folder)


def test_each_enabled_plugin_gets_its_demo_table(tmp_path):
    variant_plugin.demo_calls.clear()
    listing = _prepare(tmp_path, "true")
    assert variant_plugin.demo_calls == [("demo-data-site", {"catalogue": ["basic", "max"]})]
    printed = {user.login: user for tenant, users in listing for user in users}
    assert printed["demo-variant"].note == "made by the plugin"


def test_the_printed_password_of_a_plugin_login_works_again_after_a_restart(tmp_path):
    folder = tmp_path / "tenants"
    folder.mkdir()
    (folder / "site.toml").write_text(TENANT.format(enabled="true"), encoding="utf-8")
    app = create_app(
        {"INSTANCE_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}"},
        plugins=[variant_plugin],
    )
    with app.app_context():
        tenant = next(t for t, _users in prepare_demo(folder) if t.slug == "demo-data-site")
        with tenant_scope(tenant.id):
            service.create_user(tenant, "demo-variant", password="Changed-by-a-visitor-1")
            session.commit()
        prepare_demo(folder)
        with tenant_scope(tenant.id):
            user = service.find_user(tenant, "demo-variant")
            assert verify_password(user.password_hash, "Variant-pass-1")


def test_demo_data_for_a_disabled_plugin_is_refused(tmp_path):
    variant_plugin.demo_calls.clear()
    with pytest.raises(click.ClickException, match="not enabled"):
        _prepare(tmp_path, "false")
    assert variant_plugin.demo_calls == []


def test_logins_returned_as_dicts_still_work_with_a_deprecation_warning(tmp_path, monkeypatch):
    from core.api import hookimpl

    def old_style(tenant, data):
        return [{"login": "demo-variant", "password": "Variant-pass-1", "note": "the 0.3 form"}]

    monkeypatch.setattr(variant_plugin, "load_demo_data", hookimpl(old_style))
    with pytest.warns(DeprecationWarning, match="DemoLogin"):
        listing = _prepare(tmp_path, "true")
    printed = {user.login: user.note for tenant, users in listing for user in users}
    assert printed["demo-variant"] == "the 0.3 form"
