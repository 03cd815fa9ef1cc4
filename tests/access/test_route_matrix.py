"""Role × route matrix over every route: logged out → login (401 in the API), wrong role → 403, right role → 200."""

import re

import pytest

from core.access.service import registry
from core.testing.fixtures import tenant_path
from tests.tenancy.world import populate

SKIP_ENDPOINTS = {"static"}


@pytest.fixture
def site(app, make_tenant, make_user, enable_plugin):
    return populate(app, make_tenant, make_user, enable_plugin, "alpha")


def _view(app, endpoint):
    return app.view_functions[endpoint]


def _is_static(endpoint: str) -> bool:
    # Static files (core's and each plugin blueprint's static folder) are public by nature.
    return endpoint in SKIP_ENDPOINTS or endpoint.endswith(".static")


def _rules(app, prefix_filter):
    for rule in app.url_map.iter_rules():
        if _is_static(rule.endpoint) or not prefix_filter(rule):
            continue
        yield rule


def _url(tenant, rule, ids):
    return tenant_path(tenant, re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids.get(m.group(1), "faq")), rule.rule))


def test_every_route_is_guarded_or_explicitly_public(app):
    unguarded = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if not _is_static(rule.endpoint)
        and not rule.rule.startswith("/api/v1/openapi")
        and not getattr(_view(app, rule.endpoint), "requires_login", False)
        and not getattr(_view(app, rule.endpoint), "is_public", False)
    ]
    assert unguarded == [], "add @require(...) or @public to these routes"


def _holder_and_outsider(site, app, permission):
    with app.app_context():
        reg = registry()
        holders = [role for role in site.users if permission is None or permission in reg.default_permissions(role)]
        outsiders = [role for role in site.users if permission is not None and role not in holders]
    return holders, outsiders


def test_web_matrix(app, site, login):
    tenant = site.tenant
    clients = {role: login(tenant, user) for role, user in site.users.items()}
    anonymous = app.test_client()
    seen = 0
    for rule in _rules(app, lambda r: not r.rule.startswith("/api/") and not r.rule.startswith("/platform")):
        view = _view(app, rule.endpoint)
        if getattr(view, "is_public", False) or "GET" not in rule.methods:
            continue
        url = _url(tenant, rule, site.ids)
        response = anonymous.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], f"logged out: {url}"
        permission = view.required_permission
        holders, outsiders = _holder_and_outsider(site, app, permission)
        assert holders, f"{url}: no built-in role holds {permission}"
        for role in outsiders:
            assert clients[role].get(url).status_code == 403, f"{role} must not open {url}"
        for role in holders:
            assert clients[role].get(url).status_code == 200, f"{role} must open {url}"
        seen += 1
    assert seen >= 12


def test_api_matrix(app, site, api_token):
    tenant = site.tenant
    tokens = {role: api_token(tenant, user) for role, user in site.users.items()}
    client = app.test_client()
    seen = 0
    for rule in _rules(app, lambda r: r.rule.startswith("/api/")):
        view = _view(app, rule.endpoint)
        if getattr(view, "is_public", False) or rule.rule.startswith("/api/v1/openapi"):
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        url = _url(tenant, rule, site.ids)
        response = client.open(url, method=method)
        assert response.status_code == 401 and response.get_json()["code"] == 401, url
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        holders, outsiders = _holder_and_outsider(site, app, view.required_permission)
        for role in outsiders:
            headers = {"Authorization": f"Bearer {tokens[role]}"}
            assert client.open(url, method=method, headers=headers).status_code == 403, f"{role} {url}"
        if method == "GET":
            for role in holders:
                headers = {"Authorization": f"Bearer {tokens[role]}"}
                assert client.get(url, headers=headers).status_code == 200, f"{role} {url}"
        seen += 1
    assert seen >= 3


def test_platform_pages_need_the_platform_admin_on_the_platform_site(app, make_tenant, make_user, login, site):
    from core.db import session
    from core.tenants.platform import ensure_platform_tenant

    with app.app_context():
        platform = ensure_platform_tenant()
        session.commit()
        session.expunge(platform)
    root = make_user(platform, "root@platform.example", roles=("platform_admin",))
    staff = make_user(platform, "staff@platform.example", roles=("operator",))
    url = tenant_path(platform, "/platform/tenants")
    assert app.test_client().get(url).status_code == 302
    assert login(platform, staff).get(url).status_code == 403
    page = login(platform, root).get(url)
    assert page.status_code == 200 and "alpha" in page.get_data(as_text=True)
    # A tenant admin of an ordinary tenant never reaches platform pages, even by URL.
    assert (
        login(site.tenant, site.users["tenant_admin"]).get(tenant_path(site.tenant, "/platform/tenants")).status_code
        == 404
    )
