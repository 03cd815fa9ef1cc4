"""``abonent demo`` hands each plugin its ``[demo.plugins.<name>]`` table (``load_demo_data``)."""

import click
import pytest

from core.app import create_app
from core.cli.demo import prepare_demo
from tests.identity import variant_plugin

TENANT = """
slug = "demo-data-site"
name = "Demo data site"
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
    printed = {user["login"]: user for tenant, users in listing for user in users}
    assert printed["demo-variant"]["note"] == "made by the plugin"


def test_demo_data_for_a_disabled_plugin_is_refused(tmp_path):
    variant_plugin.demo_calls.clear()
    with pytest.raises(click.ClickException, match="not enabled"):
        _prepare(tmp_path, "false")
    assert variant_plugin.demo_calls == []
