"""An outside plugin, installed like a pip package, is found through the ``abonent.plugins`` entry points.

Each test writes a tiny package and its ``*.dist-info`` folder (METADATA + entry_points.txt, what pip
leaves in site-packages) into a temporary folder put on ``sys.path``; ``importlib.metadata`` then sees
it exactly as an installed distribution. Nothing in core names the plugin. The outside plugin has no
tables: the test database is migrated once per session, before these packages exist.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from core import __version__ as core_version
from core.app import create_app
from core.plugins.manager import ENTRY_POINT_GROUP, PluginError
from core.testing.fixtures import empty_all_tables, tenant_path
from core.testing.web import FormClient

ACME_WIDGETS = '''
"""Acme widgets: an outside plugin with one page and one menu entry."""

from flask import Blueprint

from core.api import MenuItem, PluginInfo, hookimpl, public

plugin_info = PluginInfo(
    name="acme_widgets",
    version="0.1",
    title="Acme widgets",
    description="A plugin from outside the repository.",
    requires_core=">=0.1",
)

blueprint = Blueprint("acme_widgets", __name__, url_prefix="/acme-widgets")


@blueprint.get("/")
@public
def index():
    return "Hello from Acme widgets"


@hookimpl
def register_blueprints():
    return [blueprint]


@hookimpl
def menu_items(tenant, user):
    return [MenuItem("Acme widgets menu", "acme_widgets.index", order=800)]
'''


def _write_distribution(site: Path, name: str, source: str) -> None:
    """What ``pip install`` leaves in site-packages: the package and its ``.dist-info`` with entry points."""
    package = site / name
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent(source), encoding="utf-8")
    dist_info = site / f"{name}-0.1.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\nSummary: outside Abonent plugin\n", encoding="utf-8"
    )
    (dist_info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{name} = {name}\n", encoding="utf-8")
    (dist_info / "top_level.txt").write_text(f"{name}\n", encoding="utf-8")


@pytest.fixture
def install(tmp_path: Path, monkeypatch) -> Iterator[Callable[[str, str], None]]:
    """``install(name, source)``: "pip install" a one-module plugin package for this test only."""
    site = tmp_path / "site-packages"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    installed: list[str] = []

    def do_install(name: str, source: str) -> None:
        _write_distribution(site, name, source)
        importlib.invalidate_caches()
        installed.append(name)

    yield do_install
    for name in installed:
        sys.modules.pop(name, None)


@pytest.fixture
def acme_app(install, app_config, abonent_database):
    """An app built by the ordinary factory after ``acme_widgets`` was installed (no plugin passed in)."""
    install("acme_widgets", ACME_WIDGETS)
    application = create_app(app_config)
    application.test_client_class = FormClient
    yield application
    application.extensions["abonent.db"].dispose()
    empty_all_tables(abonent_database.owner_url)


def _make_tenant(app, slug: str):
    """The same steps as the ``make_tenant`` fixture, on this test's own app."""
    from core.access.service import ensure_roles
    from core.db import cross_tenant, session, tenant_scope
    from core.tenants.models import Tenant

    with app.app_context(), cross_tenant():
        tenant = Tenant(slug=slug, name=slug.capitalize(), login_identifier="email")
        session.add(tenant)
        session.flush()
        with tenant_scope(tenant.id):
            ensure_roles(tenant, set())
        session.commit()
        session.expunge(tenant)
    return tenant


def _make_user(app, tenant, login: str, password: str):
    from core.db import session, tenant_scope
    from core.identity.service import create_user

    with app.app_context(), tenant_scope(tenant.id):
        create_user(tenant, login, roles=("subscriber",), password=password)
        session.commit()


def _enable(app, tenant, name: str) -> None:
    from core.db import session
    from core.plugins.enablement import enable_plugin
    from core.tenants.models import Tenant

    with app.app_context():
        enable_plugin(session.get(Tenant, tenant.id), name)
        session.commit()


def test_the_distribution_is_visible_to_importlib_metadata(install):
    install("acme_widgets", ACME_WIDGETS)
    found = {ep.name: ep.value for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}
    assert found.get("acme_widgets") == "acme_widgets"
    assert importlib.metadata.version("acme_widgets") == "0.1"


def test_outside_plugin_is_discovered_and_follows_per_tenant_enablement(acme_app):
    app = acme_app
    assert "acme_widgets" in app.plugins.infos
    assert app.plugins.infos["acme_widgets"].title == "Acme widgets"
    assert app.extensions["abonent.blueprint_owner"]["acme_widgets"] == "acme_widgets"

    tenant = _make_tenant(app, "acme")
    other = _make_tenant(app, "other")
    _make_user(app, tenant, "ann@acme.example", "Secret-pass-1")
    page_url = tenant_path(tenant, "/acme-widgets/")
    client = app.test_client()

    assert client.get(page_url).status_code == 404  # installed, not enabled for this tenant

    login = client.submit(tenant_path(tenant, "/login"), {"login": "ann@acme.example", "password": "Secret-pass-1"})
    assert login.status_code == 302, login.get_data(as_text=True)[:2000]
    assert "Acme widgets menu" not in client.get(tenant_path(tenant, "/")).get_data(as_text=True)

    _enable(app, tenant, "acme_widgets")

    page = client.get(page_url)
    assert page.status_code == 200
    assert page.get_data(as_text=True) == "Hello from Acme widgets"
    assert "Acme widgets menu" in client.get(tenant_path(tenant, "/")).get_data(as_text=True)
    assert app.test_client().get(tenant_path(other, "/acme-widgets/")).status_code == 404  # other tenant: still off


def test_discover_only_skips_plugins_not_named(install):
    from core.plugins.manager import PluginHost

    install("acme_widgets", ACME_WIDGETS)
    host = PluginHost()
    host.discover(only=["faq"])
    assert "acme_widgets" not in host.infos
    host.discover()
    assert "acme_widgets" in host.infos


OLD_PLUGIN = """
from core.api import PluginInfo

plugin_info = PluginInfo(name="acme_legacy", version="0.1", title="Legacy", requires_core="<0.1")
"""


def test_plugin_needing_another_core_version_is_refused(install, app_config):
    install("acme_legacy", OLD_PLUGIN)
    with pytest.raises(PluginError) as error:
        create_app(app_config)
    message = str(error.value)
    assert "acme_legacy" in message and "<0.1" in message and core_version in message, message


LOOSE_SCHEMA = """
from marshmallow import {policy}, Schema, fields

from core.api import PluginInfo


class LooseSettings(Schema):
    class Meta:
        unknown = {policy}

    colour = fields.String(load_default="red")


plugin_info = PluginInfo(name="acme_loose", version="0.1", title="Loose", settings_schema=LooseSettings)
"""


@pytest.mark.parametrize("policy", ["EXCLUDE", "INCLUDE"])
def test_settings_schema_that_does_not_reject_unknown_keys_is_refused(install, app_config, policy):
    install("acme_loose", LOOSE_SCHEMA.format(policy=policy))
    with pytest.raises(PluginError, match=r"acme_loose: settings schema must reject unknown keys \(unknown = RAISE\)"):
        create_app(app_config)


UNDEFAULTED_SCHEMA = """
from marshmallow import RAISE, Schema, fields

from core.api import PluginInfo


class Settings(Schema):
    class Meta:
        unknown = RAISE

    colour = fields.String(load_default="red")
    size = fields.Integer(required=True)


plugin_info = PluginInfo(name="acme_strict", version="0.1", title="Strict", settings_schema=Settings)
"""


def test_settings_schema_with_a_field_without_default_is_refused(install, app_config):
    install("acme_strict", UNDEFAULTED_SCHEMA)
    with pytest.raises(PluginError, match=r"acme_strict: settings without a default: size"):
        create_app(app_config)
