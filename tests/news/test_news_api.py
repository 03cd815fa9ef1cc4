"""News in the API: the list with unread flags, one item (which marks it read), and tenant isolation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.db import utcnow
from core.testing.fixtures import tenant_path
from tests.tenancy.world import populate


def _headers(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_list_get_and_unread_flags(app, isp, subscriber, api_token, add_news):
    older = add_news("Старая", published_at=utcnow() - timedelta(hours=1))
    newer = add_news("Авария", important=True, expires_at=utcnow() + timedelta(hours=3))
    add_news("Будущая", published_at=utcnow() + timedelta(hours=1))
    client, headers = app.test_client(), _headers(api_token(isp, subscriber))

    listing = client.get(tenant_path(isp, "/api/v1/news"), headers=headers)
    assert listing.status_code == 200
    rows = listing.get_json()
    assert [(r["id"], r["read"]) for r in rows] == [(newer.id, False), (older.id, False)]
    assert rows[0]["important"] is True and rows[0]["expires_at"] and rows[1]["expires_at"] is None

    one = client.get(tenant_path(isp, f"/api/v1/news/{older.id}"), headers=headers)
    assert one.status_code == 200 and one.get_json()["read"] is True and one.get_json()["title"] == "Старая"
    rows = client.get(tenant_path(isp, "/api/v1/news"), headers=headers).get_json()
    assert [(r["id"], r["read"]) for r in rows] == [(newer.id, False), (older.id, True)]
    unread = client.get(tenant_path(isp, "/api/v1/news?unread=true"), headers=headers).get_json()
    assert [r["id"] for r in unread] == [newer.id]


def test_api_needs_a_token_and_hides_what_is_not_visible(app, isp, subscriber, api_token, add_news):
    future = add_news("Будущая", published_at=utcnow() + timedelta(hours=1))
    client = app.test_client()
    assert client.get(tenant_path(isp, "/api/v1/news")).status_code == 401
    response = client.get(tenant_path(isp, f"/api/v1/news/{future.id}"), headers=_headers(api_token(isp, subscriber)))
    assert response.status_code == 404 and response.get_json()["code"] == 404


def test_openapi_describes_news_and_notifications(app, isp, client):
    spec = client.get(tenant_path(isp, "/api/v1/openapi.json")).get_json()
    for path in (
        "/api/v1/news",
        "/api/v1/news/{news_id}",
        "/api/v1/notifications",
        "/api/v1/notifications/{notification_id}/read",
        "/api/v1/notifications/read-all",
        "/api/v1/notifications/preferences",
    ):
        assert path in spec["paths"], path
    assert set(spec["paths"]["/api/v1/notifications/preferences"]) >= {"get", "put"}


@pytest.fixture
def sites(app, make_tenant, make_user, enable_plugin):
    return (
        populate(app, make_tenant, make_user, enable_plugin, "alpha"),
        populate(app, make_tenant, make_user, enable_plugin, "beta"),
    )


WEB = [
    ("GET", "/news/{news_id}"),
    ("POST", "/news/{news_id}/read"),
    ("GET", "/news/public/{news_id}"),
    ("GET", "/admin/news/{news_id}"),
    ("POST", "/admin/news/{news_id}"),
    ("POST", "/admin/news/{news_id}/delete"),
    ("POST", "/notifications/{notification_id}/read"),
]
API = [
    ("GET", "/api/v1/news/{news_id}"),
    ("POST", "/api/v1/notifications/{notification_id}/read"),
]


def test_another_tenants_news_and_notifications_answer_404(app, sites, login, api_token):
    alpha, beta = sites
    browser = login(alpha.tenant, alpha.everyone)
    token = browser.csrf_token(tenant_path(alpha.tenant, "/profile"))
    for method, path in WEB:
        foreign = tenant_path(alpha.tenant, path.format(**beta.ids))
        response = browser.open(foreign, method=method, data={"csrf_token": token} if method == "POST" else None)
        assert response.status_code == 404, f"{method} {foreign}: {response.status_code}"
        if method == "GET":
            assert browser.get(tenant_path(alpha.tenant, path.format(**alpha.ids))).status_code == 200, path
    headers = _headers(api_token(alpha.tenant, alpha.everyone))
    client = app.test_client()
    for method, path in API:
        response = client.open(tenant_path(alpha.tenant, path.format(**beta.ids)), method=method, headers=headers)
        assert response.status_code == 404 and response.get_json()["code"] == 404, path
        own = client.open(tenant_path(alpha.tenant, path.format(**alpha.ids)), method=method, headers=headers)
        assert own.status_code == 200, path
    # Beta's notice and news are untouched by alpha's attempts.
    beta_headers = _headers(api_token(beta.tenant, beta.everyone))
    notices = client.get(tenant_path(beta.tenant, "/api/v1/notifications"), headers=beta_headers).get_json()
    [notice] = [n for n in notices if n["title"] == "Notice of beta"]  # plugins' worlds may notify too
    assert notice["read_at"] is None
    [item] = client.get(tenant_path(beta.tenant, "/api/v1/news"), headers=beta_headers).get_json()
    assert item["read"] is False and item["title"] == "News of beta"
