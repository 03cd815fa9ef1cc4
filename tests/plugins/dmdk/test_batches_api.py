"""Batches and specifications in the JSON API: the same rules as the pages (201/409/422/404), the caller's
organization only, 404 before the body for another organization's objects, the public lookup, the OpenAPI
document."""

from __future__ import annotations

from core.testing.fixtures import tenant_path
from plugins.dmdk.batches import terms, uin
from tests.plugins.dmdk.market import NEVA, batch_row, make_batch, make_specification

GOLD = {"kind": "product", "name": "Кольцо", "metal": "gold", "fineness": "585", "weight": "3.250", "count": 2}


def _headers(api_token, member) -> dict:
    return {"Authorization": f"Bearer {api_token(member.tenant, member.user)}"}


def test_batches_through_the_api(app, market, api_token):
    _tenant, north, _neva = market("api-b")
    client, headers = app.test_client(), _headers(api_token, north)
    created = client.post(north.api("/batches"), json=GOLD, headers=headers)
    assert created.status_code == 201, created.get_json()
    batch = created.get_json()
    assert uin.problem(batch["uin"]) is None
    assert (batch["status"], batch["weight"], batch["fineness"], batch["count"]) == ("draft", "3.250", "585", 2)
    registered = client.post(north.api(f"/batches/{batch['id']}/register"), headers=headers)
    assert registered.status_code == 200 and registered.get_json()["status"] == "registered"
    again = client.post(north.api(f"/batches/{batch['id']}/register"), headers=headers)
    assert again.status_code == 409 and again.get_json()["reasons"][0]["code"] == "not_draft"
    no_reason = client.post(north.api(f"/batches/{batch['id']}/write-off"), json={}, headers=headers)
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]
    listed = client.get(north.api("/batches?status=registered"), headers=headers).get_json()
    assert [row["uin"] for row in listed["batches"]] == [batch["uin"]] and listed["total"] == 1
    written = client.post(north.api(f"/batches/{batch['id']}/write-off"), json={"reason": "Продано"}, headers=headers)
    assert written.get_json()["status"] == "written_off" and written.get_json()["write_off_reason"] == "Продано"
    assert client.get(north.api(f"/batches/{batch['id']}"), headers=headers).get_json()["status"] == "written_off"


def test_bad_batch_fields_answer_422_and_a_taken_uin_409(app, market, api_token):
    _tenant, north, _neva = market("api-bad")
    client, headers = app.test_client(), _headers(api_token, north)
    bad = client.post(
        north.api("/batches"),
        json={**GOLD, "fineness": "1200", "weight": "1.2345", "uin": "4539148803436468", "metal": "tin"},
        headers=headers,
    )
    errors = bad.get_json()["errors"]
    assert bad.status_code == 422 and set(errors) == {"fineness", "weight", "uin", "metal"}
    assert "check the number for a typo" in " ".join(errors["uin"])
    given = client.post(north.api("/batches"), json={**GOLD, "uin": "4539148803436467"}, headers=headers)
    assert given.status_code == 201 and given.get_json()["uin"] == "4539148803436467"
    taken = client.post(north.api("/batches"), json={**GOLD, "uin": "4539148803436467"}, headers=headers)
    assert taken.status_code == 409 and taken.get_json()["reasons"][0]["code"] == "uin_taken"


def test_a_transfer_through_the_api(app, market, api_token):
    tenant, north, neva = market("api-t")
    client = app.test_client()
    north_headers, neva_headers = _headers(api_token, north), _headers(api_token, neva)
    batch_id = make_batch(app, north)
    spec = client.post(
        north.api("/specifications"), json={"receiver_inn": NEVA["inn"], "batch_ids": [batch_id]}, headers=north_headers
    )
    assert spec.status_code == 201, spec.get_json()
    spec_id = spec.get_json()["id"]
    assert spec.get_json()["receiver"] == {"id": neva.id, "name": NEVA["name"]}
    twice = client.post(
        north.api("/specifications"), json={"receiver_inn": NEVA["inn"], "batch_ids": [batch_id]}, headers=north_headers
    )
    assert twice.status_code == 409 and twice.get_json()["reasons"][0]["code"] == "in_specification"
    assert client.get(neva.api(f"/specifications/{spec_id}"), headers=neva_headers).status_code == 404  # a draft
    sent = client.post(north.api(f"/specifications/{spec_id}/send"), headers=north_headers)
    assert sent.get_json()["status"] == "sent" and sent.get_json()["batches"][0]["status"] == terms.IN_TRANSFER
    wrong = client.post(north.api(f"/specifications/{spec_id}/accept"), headers=north_headers)
    assert wrong.status_code == 409 and wrong.get_json()["reasons"][0]["code"] == "wrong_side"
    incoming = client.get(neva.api("/specifications"), headers=neva_headers).get_json()
    assert [row["id"] for row in incoming["specifications"]] == [spec_id]
    accepted = client.post(neva.api(f"/specifications/{spec_id}/accept"), headers=neva_headers)
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    assert batch_row(app, tenant, batch_id)["organization_id"] == neva.id
    late = client.post(neva.api(f"/specifications/{spec_id}/return"), json={"reason": "x"}, headers=neva_headers)
    assert late.status_code == 409 and late.get_json()["reasons"][0]["code"] == "already_decided"


def test_a_return_through_the_api(app, market, api_token):
    tenant, north, neva = market("api-r")
    client, headers = app.test_client(), _headers(api_token, neva)
    batch_id = make_batch(app, north)
    spec_id = make_specification(app, north, neva, [batch_id], send=True)
    returned = client.post(neva.api(f"/specifications/{spec_id}/return"), json={"reason": "Брак"}, headers=headers)
    assert returned.status_code == 200
    assert (returned.get_json()["status"], returned.get_json()["reason"]) == ("returned", "Брак")
    assert batch_row(app, tenant, batch_id)["organization_id"] == north.id


def test_another_organizations_objects_answer_404_before_the_body(app, market, api_token):
    _tenant, north, neva = market("api-iso")
    client, headers = app.test_client(), _headers(api_token, north)
    neva_batch = make_batch(app, neva)
    spec_id = make_specification(app, neva, north, [make_batch(app, neva)])  # neva's draft, for north later
    for method, path in (
        ("GET", neva.api("/batches")),
        ("POST", neva.api("/batches")),
        ("GET", north.api(f"/batches/{neva_batch}")),
        ("POST", north.api(f"/batches/{neva_batch}/register")),
        ("POST", north.api(f"/batches/{neva_batch}/write-off")),
        ("GET", north.api(f"/specifications/{spec_id}")),
        ("POST", north.api(f"/specifications/{spec_id}/accept")),
        ("POST", north.api(f"/specifications/{spec_id}/return")),
        ("POST", north.api(f"/batches/{10**12}/register")),
    ):
        response = client.open(path, method=method, headers=headers)  # no body: a 422 would betray the object
        assert response.status_code == 404 and response.get_json()["code"] == 404, (method, path)
    assert client.get(north.api("/batches")).status_code == 401


def test_the_public_lookup_in_the_api(app, market):
    tenant, north, _neva = market("api-pub")
    number = batch_row(app, tenant, make_batch(app, north, name="Тайное", weight_mg=1500))["uin"]
    client = app.test_client()
    found = client.get(tenant_path(tenant, f"/api/v1/dmdk/uin?uin={number}"))
    assert found.status_code == 200
    assert found.get_json() == {
        "uin": number,
        "kind": "product",
        "kind_text": "Product",
        "metal": "gold",
        "metal_text": "Gold",
        "fineness": "585",
        "weight": "1.500",
        "status": "in_circulation",
        "status_text": "In circulation",
        "organization": "АО «Северное сияние»",
    }
    missing = client.get(tenant_path(tenant, "/api/v1/dmdk/uin?uin=4539148803436467"))
    assert missing.status_code == 404 and "No batch with this UIN" in missing.get_json()["message"]
    malformed = client.get(tenant_path(tenant, "/api/v1/dmdk/uin?uin=123"))
    assert malformed.status_code == 422 and "uin" in malformed.get_json()["errors"]
    empty = client.get(tenant_path(tenant, "/api/v1/dmdk/uin?uin="))  # not "no such batch": there is no number
    assert empty.status_code == 422 and empty.get_json()["errors"]["uin"] == ["Enter the UIN: 16 digits."]


ENDPOINTS = {
    "/api/v1/dmdk/organizations/{organization_id}/batches": {"get", "post"},
    "/api/v1/dmdk/organizations/{organization_id}/batches/{batch_id}": {"get"},
    "/api/v1/dmdk/organizations/{organization_id}/batches/{batch_id}/register": {"post"},
    "/api/v1/dmdk/organizations/{organization_id}/batches/{batch_id}/write-off": {"post"},
    "/api/v1/dmdk/organizations/{organization_id}/specifications": {"get", "post"},
    "/api/v1/dmdk/organizations/{organization_id}/specifications/{specification_id}": {"get"},
    "/api/v1/dmdk/organizations/{organization_id}/specifications/{specification_id}/send": {"post"},
    "/api/v1/dmdk/organizations/{organization_id}/specifications/{specification_id}/accept": {"post"},
    "/api/v1/dmdk/organizations/{organization_id}/specifications/{specification_id}/return": {"post"},
    "/api/v1/dmdk/uin": {"get"},
}


def test_the_endpoints_are_in_the_openapi_document(app, market):
    tenant, _north, _neva = market("api-doc")
    spec = app.test_client().get(tenant_path(tenant, "/api/v1/openapi.json")).get_json()
    paths = {path: set(ops) - {"parameters"} for path, ops in spec["paths"].items() if "/api/v1/dmdk/" in path}
    assert {path: paths.get(path) for path in ENDPOINTS} == ENDPOINTS  # the batch register's, beside the others
    for path, methods in ENDPOINTS.items():
        for method in methods:
            operation = spec["paths"][path][method]
            assert operation.get("summary"), (path, method)
            assert "404" in operation["responses"], (path, method)
            if "{organization_id}" in path:
                assert operation.get("security"), (path, method)
