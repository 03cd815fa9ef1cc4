"""The JSON API for the mobile app: token login, me, tenant info, JSON errors, OpenAPI."""

import pytest

from core.testing.fixtures import tenant_path


@pytest.fixture
def tenant(make_tenant):
    return make_tenant(
        "acme",
        name="Acme Telecom",
        login_identifier="contract",
        branding={"primary_color": "#112233", "accent_color": "#445566", "tagline": "Fast"},
        contacts={"hotline": ["8 800 1"], "support_email": "help@acme.example"},
    )


def test_login_me_logout(app, tenant, make_user):
    make_user(tenant, "12345", full_name="Ann", password="Passw0rd-1")
    client = app.test_client()
    login = client.post(tenant_path(tenant, "/api/v1/auth/login"), json={"login": "123 45", "password": "Passw0rd-1"})
    assert login.status_code == 200
    token = login.get_json()["token"]
    me = client.get(tenant_path(tenant, "/api/v1/me"), headers={"Authorization": f"Bearer {token}"}).get_json()
    assert me["login"] == "12345" and me["full_name"] == "Ann" and me["roles"] == ["subscriber"]
    assert "cabinet.use" in me["permissions"]


def test_wrong_password_and_missing_fields_are_json_errors(app, tenant, make_user):
    make_user(tenant, "12345", password="Passw0rd-1")
    client = app.test_client()
    wrong = client.post(tenant_path(tenant, "/api/v1/auth/login"), json={"login": "12345", "password": "nope"})
    assert wrong.status_code == 401 and wrong.get_json()["message"] == "wrong login or password"
    missing = client.post(tenant_path(tenant, "/api/v1/auth/login"), json={"login": "12345"})
    assert missing.status_code == 422
    assert missing.get_json()["errors"] == {"password": ["Missing data for required field."]}


def test_tenant_info_is_public(app, tenant):
    info = app.test_client().get(tenant_path(tenant, "/api/v1/tenant")).get_json()
    assert info["name"] == "Acme Telecom"
    assert info["branding"]["primary_color"] == "#112233"
    assert info["contacts"]["hotline"] == ["8 800 1"]
    assert info["login_identifier"] == "contract"


def test_openapi_document_lists_the_endpoints(app, tenant, enable_plugin):
    """A site's document lists core's operations and its enabled plugins' — what the site answers."""
    spec = app.test_client().get(tenant_path(tenant, "/api/v1/openapi.json")).get_json()
    assert "/api/v1/faq" not in spec["paths"] and "/api/v1/dmdk/uin" not in spec["paths"]  # not enabled here
    assert "api_faq" not in {tag["name"] for tag in spec["tags"]} and "api_me" in {tag["name"] for tag in spec["tags"]}
    assert app.test_client().get(tenant_path(tenant, "/api/v1/faq")).status_code == 404  # as the site answers
    enable_plugin(tenant, "faq")
    spec = app.test_client().get(tenant_path(tenant, "/api/v1/openapi.json")).get_json()
    paths = spec["paths"]
    assert "/api/v1/dmdk/uin" not in paths and "api_faq" in {tag["name"] for tag in spec["tags"]}
    expected = (
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/me",
        "/api/v1/tenant",
        "/api/v1/faq",
        "/api/v1/accounts",
        "/api/v1/accounts/{account_id}",
        "/api/v1/accounts/{account_id}/operations",
        "/api/v1/accounts/{account_id}/stats",
        "/api/v1/accounts/{account_id}/top-up",
        "/api/v1/tickets",
        "/api/v1/visits",
        "/api/v1/news",
        "/api/v1/notifications",
    )
    missing = [path for path in expected if path not in paths]
    assert missing == [], f"not in the OpenAPI document: {missing}"
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_unknown_api_path_is_json_404(app, tenant):
    response = app.test_client().get(tenant_path(tenant, "/api/v1/nothing"))
    assert response.status_code == 404 and response.get_json()["code"] == 404


def test_a_method_an_address_does_not_take_is_405_with_the_methods_it_takes(app, tenant, make_user):
    """RFC 9110: a 405 names the allowed methods in ``Allow`` — in the API's JSON answer and on a web page."""
    client = app.test_client()
    api = client.delete(tenant_path(tenant, "/api/v1/auth/login"))
    assert api.status_code == 405 and api.get_json()["code"] == 405
    assert "POST" in api.headers["Allow"] and "DELETE" not in api.headers["Allow"]
    page = client.put(tenant_path(tenant, "/login"))
    assert page.status_code == 405 and {"GET", "POST"} <= set(page.headers["Allow"].split(", "))


def test_a_refusal_a_view_lets_through_is_409_with_its_reasons_and_nothing_is_kept(app, tenant):
    """The API answers RefusedSchema; a page shows the reasons; the request's writes are rolled back."""
    from core.api import Refusal, Refused
    from core.db import session, tenant_scope
    from core.news.models import NewsItem
    from core.web.setup import handle_refused

    refused = Refused([Refusal("too_often", "Next possible tomorrow.")])
    for path, is_api in (("/api/v1/anything", True), ("/anything", False)):
        with app.test_request_context(path), tenant_scope(tenant.id):  # the site prefix is the middleware's
            session.add(NewsItem(title=f"written-{is_api}", body="B"))
            session.flush()
            answer = handle_refused(refused)
            response = app.make_response(answer)
            assert response.status_code == 409
            if is_api:
                assert response.get_json()["reasons"] == [{"code": "too_often", "message": "Next possible tomorrow."}]
            else:
                assert "Next possible tomorrow." in response.get_data(as_text=True)
            assert session.query(NewsItem).filter(NewsItem.title.like("written-%")).count() == 0
