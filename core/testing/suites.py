"""Test suites that serve any plugin: import them into a test module and pytest runs them there.

::

    # tests/test_abonent_suites.py of an outside plugin (or of Abonent itself)
    from core.testing.suites import TestCrossTenantProbe, TestHookimplsRegistered, TestRouteMatrix  # noqa: F401

* :class:`TestRouteMatrix` walks every route: logged out → login (401 in the API), a built-in role without
  the route's permission → 403, a role with it → 200.
* :class:`TestCrossTenantProbe` opens every route that names an object with another tenant's id → 404.
* :class:`TestHookimplsRegistered` finds every ``@hookimpl`` in core and each installed plugin's package and
  proves the plugin manager has it (a hook left out of the plugin module's imports is a silent no-op).
* :class:`TestCitusReadyKeys` checks every tenant-owned model against the Citus rule (:mod:`core.db.tenant_keys`).
* :class:`TestTranslationsAgree` finds a message the plugin translates differently from core or another
  installed plugin (the catalogues are merged into one: the last would win on every page; see
  :mod:`core.web.catalogues`).

The "world" of objects comes from :mod:`core.testing.world`: core's own objects, plus what each installed
plugin's ``populate_test_world`` hook creates. Everything runs with the fixtures of the ``abonent`` pytest
plugin (``core.testing.fixtures``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from core.testing.fixtures import tenant_path

# URL parameters that are not an object of a tenant: plugin names are global, tenant ids only on the
# platform site, file names of static folders, one-time tokens (probed by their own tests below).
NON_OBJECT_PARAMS = {"name", "filename", "tenant_id", "token"}
PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def _is_static(endpoint: str) -> bool:
    # Static files (core's and each plugin blueprint's static folder) are public by nature.
    return endpoint == "static" or endpoint.endswith(".static")


def _url(site, rule) -> str:
    values = {**site.values, **site.ids}
    fallback = site.values.get("name")  # e.g. a `<token>` of a logged-in page: any value walks it
    return tenant_path(site.tenant, PARAM.sub(lambda m: str(values.get(m.group(1), fallback)), rule.rule))


class TestRouteMatrix:
    """Role × route matrix over every route of core and of every installed plugin."""

    @pytest.fixture
    def site(self, abonent_world):
        return abonent_world("alpha")

    def test_every_route_is_guarded_or_explicitly_public(self, app):
        unguarded = [
            rule.rule
            for rule in app.url_map.iter_rules()
            if not _is_static(rule.endpoint)
            and not rule.rule.startswith("/api/v1/openapi")
            and not getattr(app.view_functions[rule.endpoint], "requires_login", False)
            and not getattr(app.view_functions[rule.endpoint], "is_public", False)
        ]
        assert unguarded == [], "add @require(...) or @public to these routes"

    def test_web_matrix(self, app, site, login):
        clients = {role: login(site.tenant, user) for role, user in site.users.items()}
        anonymous = app.test_client()
        seen = 0
        for rule in _rules(app, lambda r: not r.rule.startswith("/api/") and not r.rule.startswith("/platform")):
            view = app.view_functions[rule.endpoint]
            if getattr(view, "is_public", False) or "GET" not in rule.methods:
                continue
            url = _url(site, rule)
            response = anonymous.get(url)
            assert response.status_code == 302 and "/login" in response.headers["Location"], f"logged out: {url}"
            permission = view.required_permission
            holders, outsiders = _holders_and_outsiders(app, site, permission)
            assert holders, f"{url}: no built-in role holds {permission}"
            for role in outsiders:
                assert clients[role].get(url).status_code == 403, f"{role} must not open {url}"
            for role in holders:
                assert clients[role].get(url).status_code == 200, f"{role} must open {url}"
            seen += 1
        assert seen >= 12

    def test_api_matrix(self, app, site, api_token):
        tokens = {role: api_token(site.tenant, user) for role, user in site.users.items()}
        client = app.test_client()
        seen = 0
        for rule in _rules(app, lambda r: r.rule.startswith("/api/")):
            view = app.view_functions[rule.endpoint]
            if getattr(view, "is_public", False) or rule.rule.startswith("/api/v1/openapi"):
                continue
            method = "GET" if "GET" in rule.methods else "POST"
            url = _url(site, rule)
            response = client.open(url, method=method)
            assert response.status_code == 401 and response.get_json()["code"] == 401, url
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
            holders, outsiders = _holders_and_outsiders(app, site, view.required_permission)
            for role in outsiders:
                headers = {"Authorization": f"Bearer {tokens[role]}"}
                assert client.open(url, method=method, headers=headers).status_code == 403, f"{role} {url}"
            if method == "GET":
                for role in holders:
                    headers = {"Authorization": f"Bearer {tokens[role]}"}
                    assert client.get(url, headers=headers).status_code == 200, f"{role} {url}"
            seen += 1
        assert seen >= 3


def _rules(app, keep) -> Iterator:
    for rule in app.url_map.iter_rules():
        if not _is_static(rule.endpoint) and keep(rule):
            yield rule


def _holders_and_outsiders(app, site, permission) -> tuple[list[str], list[str]]:
    from core.access.service import registry

    with app.app_context():
        reg = registry()
        holders = [role for role in site.users if permission is None or permission in reg.default_permissions(role)]
        outsiders = [role for role in site.users if permission is not None and role not in holders]
    return holders, outsiders


class TestCrossTenantProbe:
    """Every route and API endpoint: a user of tenant A asking for tenant B's objects gets 404."""

    @pytest.fixture
    def sites(self, abonent_world):
        return abonent_world("alpha"), abonent_world("beta")

    def test_web_routes_answer_404_for_another_tenants_objects(self, app, sites, login):
        alpha, beta = sites
        client = login(alpha.tenant, alpha.everyone)
        token = client.csrf_token(tenant_path(alpha.tenant, "/profile"))
        checked = []
        for rule in _rules_with_objects(app, alpha):
            if rule.rule.startswith("/api/"):
                continue
            url = tenant_path(alpha.tenant, _build(rule, {**beta.values, **beta.ids}))
            for method in sorted(rule.methods & {"GET", "POST"}):
                response = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
                assert response.status_code == 404, f"{method} {url} answered {response.status_code}"
                checked.append(f"{method} {rule.rule}")
            # and the same URL with alpha's own ids is found (the probe would be empty otherwise)
            own = tenant_path(alpha.tenant, _build(rule, {**alpha.values, **alpha.ids}))
            if "GET" in rule.methods:
                assert client.get(own).status_code == 200, own
        assert len(checked) >= 8, checked

    def test_api_endpoints_answer_404_for_another_tenants_objects(self, app, sites, api_token):
        alpha, beta = sites
        headers = {"Authorization": f"Bearer {api_token(alpha.tenant, alpha.everyone)}"}
        client = app.test_client()
        checked = []
        for rule in _rules_with_objects(app, alpha):
            if not rule.rule.startswith("/api/"):
                continue
            for method in sorted(rule.methods & {"GET", "POST", "PUT", "PATCH", "DELETE"}):
                url = tenant_path(alpha.tenant, _build(rule, {**beta.values, **beta.ids}))
                response = client.open(url, method=method, headers=headers)
                assert response.status_code == 404, f"{method} {rule.rule} answered {response.status_code}"
                assert response.is_json and response.get_json()["code"] == 404
                checked.append(rule.rule)
                if method == "GET":  # like the web probe: actions need a body or the object's owner
                    own = client.get(
                        tenant_path(alpha.tenant, _build(rule, {**alpha.values, **alpha.ids})), headers=headers
                    )
                    assert own.status_code == 200, rule.rule
        assert checked, "no API endpoint takes an object id yet: the probe checked nothing"

    def test_reset_link_of_another_tenant_does_not_work(self, app, sites, client):
        alpha, beta = sites
        response = client.get(tenant_path(alpha.tenant, f"/password/reset/{beta.reset_token}"))
        assert response.status_code in (404, 410)
        assert client.get(tenant_path(beta.tenant, f"/password/reset/{beta.reset_token}")).status_code == 200

    def test_session_of_one_tenant_is_not_a_session_on_another(self, app, sites, login):
        alpha, beta = sites
        client = login(alpha.tenant, alpha.users["subscriber"])
        assert client.get(tenant_path(alpha.tenant, "/")).status_code == 200
        response = client.get(tenant_path(beta.tenant, "/"))
        assert response.status_code == 302 and "/login" in response.headers["Location"]

    def test_api_token_of_one_tenant_is_refused_by_another(self, app, sites, api_token):
        alpha, beta = sites
        headers = {"Authorization": f"Bearer {api_token(alpha.tenant, alpha.users['subscriber'])}"}
        client = app.test_client()
        assert client.get(tenant_path(alpha.tenant, "/api/v1/me"), headers=headers).status_code == 200
        response = client.get(tenant_path(beta.tenant, "/api/v1/me"), headers=headers)
        assert response.status_code == 401


def _rules_with_objects(app, site) -> Iterator:
    object_params = set(site.ids)
    for rule in app.url_map.iter_rules():
        params = set(rule.arguments)
        # Values that are no tenant's object (a month, a document kind) come from ``site.values``.
        unknown = params - object_params - NON_OBJECT_PARAMS - set(site.values)
        assert not unknown, (
            f"{rule.rule}: no world gives an id for {sorted(unknown)} — core's world (core.testing.world) or the "
            "plugin's populate_test_world hook must create such an object (or put a plain value in site.values)"
        )
        if params & object_params:
            yield rule


def _build(rule, ids) -> str:
    return PARAM.sub(lambda m: str(ids[m.group(1)]), rule.rule)


class TestHookimplsRegistered:
    """Every ``@hookimpl`` written in core or in an installed plugin's package is registered with pluggy."""

    def test_every_hookimpl_is_registered(self, app):
        written, missing = hookimpls_not_registered(app)
        assert written, "no @hookimpl found: the scan is broken"
        assert missing == [], "these @hookimpl functions are never called: import them on the plugin module"


class TestCitusReadyKeys:
    """Every tenant-owned model of core and of each installed plugin keeps the Citus rule
    (:func:`core.db.citus.key_violations`): keys and foreign keys between tenant tables include ``tenant_id``."""

    def test_every_tenant_owned_model_keeps_the_citus_rule(self, app):
        from sqlalchemy.orm import configure_mappers

        from core.db.citus import key_violations, tenant_mappers

        configure_mappers()
        assert tenant_mappers(), "no tenant-owned model found"
        problems = key_violations()
        assert problems == [], "tables that cannot be distributed by tenant:\n" + "\n".join(problems)


class TestTranslationsAgree:
    """Core's and every installed plugin's catalogues translate each message the same way; a word with two
    meanings carries a context (``pgettext``), see :mod:`core.web.catalogues`."""

    def test_no_message_is_translated_two_ways(self, app):
        from core.web.catalogues import app_catalogue_conflicts

        conflicts = app_catalogue_conflicts(app)
        assert conflicts == [], "messages translated two ways (give one a context):\n" + "\n".join(map(str, conflicts))


def hookimpls_not_registered(app) -> tuple[int, list[str]]:
    """How many ``@hookimpl`` functions core and the installed plugins' packages define, and which pluggy lacks."""
    registered = {
        (impl.plugin_name, impl.function.__module__, impl.function.__name__)
        for caller in vars(app.plugins.pm.hook).values()
        if hasattr(caller, "get_hookimpls")
        for impl in caller.get_hookimpls()
    }
    missing = []
    written = 0
    for owner, package in _packages(app):
        for module, function in _decorated_hookimpls(package):
            written += 1
            if not any(_owned(name, owner) and (mod, fn) == (module, function) for name, mod, fn in registered):
                missing.append(f"{module}.{function}")
    return written, missing


def _owned(plugin_name: str, owner: str) -> bool:
    # Core's feature plugins are registered as ``core.<feature>``; a vertical plugin under its own name.
    return plugin_name.startswith(owner) if owner.endswith(".") else plugin_name == owner


def _packages(app) -> Iterator[tuple[str, ModuleType]]:
    import core

    yield "core.", core
    for name in app.plugins.names:
        module = app.plugins.pm.get_plugin(name)
        if isinstance(module, ModuleType) and getattr(module, "__path__", None):
            yield name, module


def _decorated_hookimpls(package: ModuleType) -> Iterator[tuple[str, str]]:
    root = Path(package.__file__).parent
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if "migrations" in relative.parts or "__pycache__" in relative.parts:
            continue
        module = ".".join([package.__name__, *relative.with_suffix("").parts]).removesuffix(".__init__")
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and any(_is_hookimpl(d) for d in node.decorator_list):
                yield module, node.name


def _is_hookimpl(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return (isinstance(target, ast.Name) and target.id == "hookimpl") or (
        isinstance(target, ast.Attribute) and target.attr == "hookimpl"
    )
