"""Another tenant's and another subscriber's visits answer 404; photos only to the author and staff."""

from __future__ import annotations

import io
import re

import pytest

from core.testing.fixtures import tenant_path
from tests.tenancy.world import populate
from tests.visits.conftest import PNG, TUESDAY, slot


def _visit_rules(app):
    return [rule for rule in app.url_map.iter_rules() if "visit_id" in rule.arguments]


def _url(tenant, rule, visit_id) -> str:
    return tenant_path(tenant, re.sub(r"<(?:\w+:)?visit_id>", str(visit_id), rule.rule))


@pytest.fixture
def sites(app, make_tenant, make_user, enable_plugin):
    return (
        populate(app, make_tenant, make_user, enable_plugin, "alpha"),
        populate(app, make_tenant, make_user, enable_plugin, "beta"),
    )


def test_another_tenants_visit_is_not_found_on_any_route(app, sites, login, api_token):
    alpha, beta = sites
    rules = _visit_rules(app)
    assert len(rules) >= 8
    client = login(alpha.tenant, alpha.everyone)
    token = client.csrf_token(tenant_path(alpha.tenant, "/profile"))
    headers = {"Authorization": f"Bearer {api_token(alpha.tenant, alpha.everyone)}"}
    for rule in rules:
        foreign, own = _url(alpha.tenant, rule, beta.ids["visit_id"]), _url(alpha.tenant, rule, alpha.ids["visit_id"])
        for method in sorted(rule.methods & {"GET", "POST"}):
            if rule.rule.startswith("/api/"):
                response = client.open(foreign, method=method, headers=headers, json={"rating": 5})
                assert response.status_code == 404 and response.get_json()["code"] == 404, f"{method} {foreign}"
            else:
                data = {"csrf_token": token} if method == "POST" else None
                assert client.open(foreign, method=method, data=data).status_code == 404, f"{method} {foreign}"
        if "GET" in rule.methods:
            kwargs = {"headers": headers} if rule.rule.startswith("/api/") else {}
            assert client.get(own, **kwargs).status_code == 200, own


def test_another_subscribers_visit_is_not_found(app, sites, make_user, login, api_token):
    alpha, _beta = sites
    visit_id = alpha.ids["visit_id"]  # written by alpha's subscriber
    other = make_user(alpha.tenant, "other@alpha.example")
    client = login(alpha.tenant, other)
    token = client.csrf_token(tenant_path(alpha.tenant, "/visits/"))
    assert client.get(tenant_path(alpha.tenant, f"/visits/{visit_id}")).status_code == 404
    for action in ("cancel", "rate"):
        url = tenant_path(alpha.tenant, f"/visits/{visit_id}/{action}")
        assert client.post(url, data={"csrf_token": token, "rating": "5"}).status_code == 404
    headers = {"Authorization": f"Bearer {api_token(alpha.tenant, other)}"}
    api = app.test_client()
    assert api.get(tenant_path(alpha.tenant, f"/api/v1/visits/{visit_id}"), headers=headers).status_code == 404
    for action in ("cancel", "rate"):
        url = tenant_path(alpha.tenant, f"/api/v1/visits/{visit_id}/{action}")
        assert api.post(url, headers=headers, json={"rating": 5}).status_code == 404
    assert api.get(tenant_path(alpha.tenant, "/api/v1/visits"), headers=headers).get_json() == []
    # The author sees it; a subscriber cannot reach the operators' pages at all.
    author = login(alpha.tenant, alpha.users["subscriber"])
    assert author.get(tenant_path(alpha.tenant, f"/visits/{visit_id}")).status_code == 200
    assert author.get(tenant_path(alpha.tenant, f"/admin/visits/{visit_id}")).status_code == 403


def test_photos_only_to_the_author_and_staff(app, world, make_tenant, make_user, login):
    tenant = world.tenant
    alice = login(tenant, world.alice)
    response = alice.submit(
        tenant_path(tenant, "/visits/new"),
        {
            "account_id": "other",
            "address": "ул. Мира, 2",
            "reason": "equipment",
            "slot": [slot(TUESDAY, "09-12")],
            "photos": [(io.BytesIO(PNG), "router.png"), (io.BytesIO(b"\xff\xd8\xff\xe0" + b"\x00" * 40), "cable.jpg")],
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    detail = alice.get(response.headers["Location"]).get_data(as_text=True)
    links = re.findall(r'href="(/t/isp/files/(\d+))"', detail)
    assert len(links) == 2 and "router.png" in detail
    url = links[0][0]

    got = alice.get(url)
    assert got.status_code == 200 and got.data == PNG and got.mimetype == "image/png"
    assert login(tenant, world.operator).get(url).status_code == 200
    assert login(tenant, world.admin).get(url).status_code == 200
    assert login(tenant, world.bob).get(url).status_code == 404
    assert app.test_client().get(url).status_code == 302  # logged out → login
    stranger_tenant = make_tenant("other")
    stranger = make_user(stranger_tenant, "s@other.example", roles=("subscriber", "operator"))
    foreign = tenant_path(stranger_tenant, f"/files/{links[0][1]}")
    assert login(stranger_tenant, stranger).get(foreign).status_code == 404
