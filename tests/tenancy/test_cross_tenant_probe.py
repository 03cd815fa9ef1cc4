"""Every route and API endpoint: a user of tenant A asking for tenant B's objects gets 404."""

import re

import pytest

from core.testing.fixtures import tenant_path
from tests.tenancy.world import populate

# URL parameters that name an object of a tenant; a new route with another parameter must be added here.
OBJECT_PARAMS = {
    "user_id",
    "entry_id",
    "message_id",
    "account_id",
    "order_id",
    "import_id",
    "upload_id",
    "payment_id",
    "file_id",
    "ticket_id",
    "visit_id",
    "news_id",
    "notification_id",
    "product_id",
    "contract_id",
}
# Parameters that are not a tenant's object: plugin names are global, tenant ids only on the platform site.
NON_OBJECT_PARAMS = {"name", "filename", "tenant_id", "token"}


@pytest.fixture
def sites(app, make_tenant, make_user, enable_plugin):
    return (
        populate(app, make_tenant, make_user, enable_plugin, "alpha"),
        populate(app, make_tenant, make_user, enable_plugin, "beta"),
    )


def _rules_with_objects(app):
    for rule in app.url_map.iter_rules():
        params = set(rule.arguments)
        unknown = params - OBJECT_PARAMS - NON_OBJECT_PARAMS
        assert not unknown, f"{rule.rule}: teach the cross-tenant probe about {unknown}"
        if params & OBJECT_PARAMS:
            yield rule


def _build(rule, ids) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), rule.rule)


def test_web_routes_answer_404_for_another_tenants_objects(app, sites, login):
    alpha, beta = sites
    client = login(alpha.tenant, alpha.everyone)
    token = client.csrf_token(tenant_path(alpha.tenant, "/profile"))
    checked = []
    for rule in _rules_with_objects(app):
        if rule.rule.startswith("/api/"):
            continue
        url = tenant_path(alpha.tenant, _build(rule, beta.ids))
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
            assert response.status_code == 404, f"{method} {url} answered {response.status_code}"
            checked.append(f"{method} {rule.rule}")
        # and the same URL with alpha's own ids is found (the probe would be empty otherwise)
        own = tenant_path(alpha.tenant, _build(rule, alpha.ids))
        if "GET" in rule.methods:
            assert client.get(own).status_code == 200, own
    assert len(checked) >= 8, checked


def test_api_endpoints_answer_404_for_another_tenants_objects(app, sites, api_token):
    alpha, beta = sites
    headers = {"Authorization": f"Bearer {api_token(alpha.tenant, alpha.everyone)}"}
    client = app.test_client()
    checked = []
    for rule in _rules_with_objects(app):
        if not rule.rule.startswith("/api/"):
            continue
        for method in sorted(rule.methods & {"GET", "POST", "PUT", "PATCH", "DELETE"}):
            response = client.open(tenant_path(alpha.tenant, _build(rule, beta.ids)), method=method, headers=headers)
            assert response.status_code == 404, f"{method} {rule.rule} answered {response.status_code}"
            assert response.is_json and response.get_json()["code"] == 404
            checked.append(rule.rule)
            if method == "GET":  # like the web probe: actions need a body or the object's owner
                own = client.get(tenant_path(alpha.tenant, _build(rule, alpha.ids)), headers=headers)
                assert own.status_code == 200, rule.rule
    assert checked, "no API endpoint takes an object id yet: the probe checked nothing"


def test_reset_link_of_another_tenant_does_not_work(app, sites, client):
    alpha, beta = sites
    response = client.get(tenant_path(alpha.tenant, f"/password/reset/{beta.ids['reset_token']}"))
    assert response.status_code in (404, 410)
    assert client.get(tenant_path(beta.tenant, f"/password/reset/{beta.ids['reset_token']}")).status_code == 200


def test_session_of_one_tenant_is_not_a_session_on_another(app, sites, login):
    alpha, beta = sites
    client = login(alpha.tenant, alpha.users["subscriber"])
    assert client.get(tenant_path(alpha.tenant, "/")).status_code == 200
    response = client.get(tenant_path(beta.tenant, "/"))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_api_token_of_one_tenant_is_refused_by_another(app, sites, api_token):
    alpha, beta = sites
    headers = {"Authorization": f"Bearer {api_token(alpha.tenant, alpha.users['subscriber'])}"}
    client = app.test_client()
    assert client.get(tenant_path(alpha.tenant, "/api/v1/me"), headers=headers).status_code == 200
    response = client.get(tenant_path(beta.tenant, "/api/v1/me"), headers=headers)
    assert response.status_code == 401
