"""Findings 12 and 16: input that used to end in HTTP 500 now gets a 400/404/409 with a message.

One test per kind of input; the fuzz tests next to this file cover every endpoint and form.
Run them on PostgreSQL too (``ABONENT_TEST_DATABASE_URL``): ids beyond its integer and NUL
characters used to fail only there.
"""

from __future__ import annotations

import pytest

from core.testing.fixtures import tenant_path
from tests.tenancy.world import populate

HUGE = (2**31, 2**63, 2**64)


@pytest.fixture
def site(app, make_tenant, make_user, enable_plugin):
    return populate(app, make_tenant, make_user, enable_plugin, "bounds")


@pytest.fixture
def subscriber(site, login):
    """The subscriber's client, pages in English."""
    client = login(site.tenant, site.users["subscriber"])
    home = tenant_path(site.tenant, "/")
    client.submit(tenant_path(site.tenant, "/language"), {"lang": "en", "next": "/"}, form_url=home)
    return client


@pytest.fixture
def bearer(site, api_token) -> dict:
    return {"Authorization": f"Bearer {api_token(site.tenant, site.users['subscriber'])}"}


def test_ids_beyond_the_database_integer_are_not_found_on_pages_and_in_the_api(app, site, subscriber, bearer):
    client = app.test_client()
    for huge in HUGE:
        for path in (f"/news/{huge}", f"/support/{huge}", f"/visits/{huge}"):
            assert subscriber.get(tenant_path(site.tenant, path)).status_code == 404, path
        for path in (f"/api/v1/accounts/{huge}", f"/api/v1/tickets/{huge}", f"/api/v1/news/{huge}"):
            response = client.get(tenant_path(site.tenant, path), headers=bearer)
            assert response.status_code == 404 and response.get_json()["message"] == "not found", path
        deleted = client.delete(tenant_path(site.tenant, f"/api/v1/isp/accounts/{huge}/freeze"), headers=bearer)
        assert deleted.status_code == 404


def test_the_openapi_document_bounds_path_ids(app):
    with app.app_context():
        spec = app.extensions["abonent.api"].spec.to_dict()
    schema = spec["paths"]["/api/v1/accounts/{account_id}"]["parameters"][0]["schema"]
    assert schema == {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}


def test_page_numbers_beyond_any_integer_show_a_page(site, subscriber, login):
    admin = login(site.tenant, site.users["tenant_admin"])
    for page in ("9223372036854775808", "99999999999999999999999", "²", "-5", "abc"):
        for client, path in (
            (subscriber, "/money/history"),
            (subscriber, "/support/"),
            (subscriber, "/notifications"),
            (admin, "/admin/subscribers"),
            (admin, "/admin/payments/suspense"),
            (admin, "/admin/payments/registries"),
            (admin, "/admin/support/"),
        ):
            response = client.get(tenant_path(site.tenant, path), query_string={"page": page})
            assert response.status_code == 200, (path, page, response.status_code)


def test_statistics_months_out_of_range_or_far_back(app, site, subscriber, bearer):
    account = site.ids["account_id"]
    url = tenant_path(site.tenant, f"/api/v1/accounts/{account}/stats")
    client = app.test_client()
    far_back = client.get(url, query_string={"to": "2019-03"}, headers=bearer)
    assert far_back.status_code == 200
    assert [m["month"] for m in far_back.get_json()][::11] == ["2018-04", "2019-03"]
    for month in ("0000-01", "9999-12", "2024-13", "²²²²-01"):
        refused = client.get(url, query_string={"to": month}, headers=bearer)
        assert refused.status_code == 422 and refused.get_json()["errors"], month
        assert subscriber.get(tenant_path(site.tenant, "/money/stats"), query_string={"from": month}).status_code == 200


def test_days_out_of_range_in_history_and_operations(app, site, subscriber, bearer):
    account = site.ids["account_id"]
    url = tenant_path(site.tenant, f"/api/v1/accounts/{account}/operations")
    for day in ("9999-12-31", "0001-01-01"):
        response = app.test_client().get(url, query_string={"to": day}, headers=bearer)
        assert response.status_code == 422 and response.get_json()["errors"], day
        page = subscriber.get(tenant_path(site.tenant, "/money/history"), query_string={"from": day, "to": day})
        assert page.status_code == 200


def test_superscript_digits_and_huge_ids_in_forms_are_form_errors(site, subscriber):
    for value in ("²", "99999999999", "١٢"):
        response = subscriber.submit(
            tenant_path(site.tenant, "/support/new"),
            {"category": "technical", "subject": "Link", "body": "No link.", "account_id": value},
        )
        assert response.status_code == 400 and "Choose one of your accounts." in response.get_data(as_text=True)
        money = tenant_path(site.tenant, "/money/")
        switched = subscriber.submit(tenant_path(site.tenant, "/money/switch"), {"account_id": value}, form_url=money)
        assert switched.status_code == 404, value  # not one of the subscriber's accounts


def test_an_amount_of_1e308_is_a_form_error(site, subscriber):
    response = subscriber.submit(tenant_path(site.tenant, "/money/pay"), {"amount": "1e308"})
    assert response.status_code == 400
    assert "500" in response.get_data(as_text=True)  # the hint "for example 500 or 499,90"


def test_deep_or_unstorable_json_is_refused_with_a_json_message(app, site, bearer):
    url = tenant_path(site.tenant, "/api/v1/tickets")
    client = app.test_client()
    for body in (
        "[" * 5000 + "]" * 5000,
        '{"category": "technical", "subject": "\\ud800", "body": "x"}',
        '{"category": "technical", "subject": "a\\u0000b", "body": "x"}',
        '{"category": "technical", "subject": "x", "body": "x", "personal_account_id": 1e999}',
    ):
        response = client.post(url, data=body, content_type="application/json", headers=bearer)
        assert response.status_code == 400, body[:40]
        assert response.get_json()["message"], body[:40]


def test_a_nul_character_in_a_form_or_query_is_refused_with_a_message(site, login):
    subscriber = login(site.tenant, site.users["subscriber"])  # Russian, the default
    response = subscriber.submit(
        tenant_path(site.tenant, "/support/new"), {"category": "technical", "subject": "a\x00b", "body": "x"}
    )
    assert response.status_code == 400
    assert "недопустимый символ" in response.get_data(as_text=True)  # Russian by default
    searched = subscriber.get(tenant_path(site.tenant, "/support/"), query_string={"status": "\x00"})
    assert searched.status_code == 400


def test_a_newline_in_next_goes_home(site, subscriber):
    response = subscriber.submit(
        tenant_path(site.tenant, "/language"),
        {"lang": "en", "next": "/\r\nSet-Cookie: x=1"},
        form_url=tenant_path(site.tenant, "/"),
    )
    assert response.status_code == 302 and "Set-Cookie" not in response.headers["Location"]


def test_the_openapi_document_sends_clients_to_the_tenants_site(app, site):
    by_prefix = app.test_client().get(tenant_path(site.tenant, "/api/v1/openapi.json")).get_json()
    assert by_prefix["servers"][0]["url"] == f"http://localhost/t/{site.tenant.slug}"
    assert "/api/v1/accounts" in by_prefix["paths"]
