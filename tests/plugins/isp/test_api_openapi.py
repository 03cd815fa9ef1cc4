"""The isp API in the OpenAPI document: every endpoint is account-scoped, summarised and documents its answers."""

from __future__ import annotations

from core.testing.fixtures import tenant_path

ENDPOINTS = {
    "/api/v1/isp/accounts/{account_id}/services": {"get"},
    "/api/v1/isp/accounts/{account_id}/promise": {"get", "post"},
    "/api/v1/isp/accounts/{account_id}/freeze": {"get", "post", "delete"},
    "/api/v1/isp/accounts/{account_id}/freeze/quote": {"post"},
    "/api/v1/isp/accounts/{account_id}/tariffs": {"get"},
    "/api/v1/isp/accounts/{account_id}/tariffs/quote": {"post"},
    "/api/v1/isp/accounts/{account_id}/tariffs/change": {"post", "delete"},
    "/api/v1/isp/accounts/{account_id}/addons": {"get"},
    "/api/v1/isp/accounts/{account_id}/addons/quote": {"post"},
    "/api/v1/isp/accounts/{account_id}/addons/connect": {"post"},
    "/api/v1/isp/accounts/{account_id}/addons/disconnect": {"post"},
    "/api/v1/isp/accounts/{account_id}/application": {"post"},
    "/api/v1/isp/accounts/{account_id}/onetime": {"get"},
    "/api/v1/isp/accounts/{account_id}/onetime/{service_id}": {"post"},
    "/api/v1/isp/accounts/{account_id}/documents": {"get"},
    "/api/v1/isp/accounts/{account_id}/orders": {"get"},
    "/api/v1/isp/accounts/{account_id}/documents/{period}/{kind}.pdf": {"get"},
}

# Actions that can be refused answer 409 with the reasons.
REFUSABLE = {
    ("/api/v1/isp/accounts/{account_id}/promise", "post"),
    ("/api/v1/isp/accounts/{account_id}/freeze", "post"),
    ("/api/v1/isp/accounts/{account_id}/freeze", "delete"),
    ("/api/v1/isp/accounts/{account_id}/tariffs/change", "post"),
    ("/api/v1/isp/accounts/{account_id}/tariffs/change", "delete"),
    ("/api/v1/isp/accounts/{account_id}/addons/connect", "post"),
    ("/api/v1/isp/accounts/{account_id}/addons/disconnect", "post"),
    ("/api/v1/isp/accounts/{account_id}/application", "post"),
    ("/api/v1/isp/accounts/{account_id}/onetime/{service_id}", "post"),
}


def _spec(app, isp_tenant) -> dict:
    tenant = isp_tenant(locale="en")
    return app.test_client().get(tenant_path(tenant, "/api/v1/openapi.json")).get_json()


def _schema(spec: dict, ref_or_schema: dict) -> dict:
    ref = ref_or_schema.get("$ref")
    return spec["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else ref_or_schema


def test_every_isp_endpoint_is_under_an_account(app, isp_tenant):
    spec = _spec(app, isp_tenant)
    isp_paths = {path: set(ops) - {"parameters"} for path, ops in spec["paths"].items() if "/api/v1/isp/" in path}
    assert isp_paths == ENDPOINTS


def test_each_endpoint_has_a_summary_the_account_parameter_and_a_404(app, isp_tenant):
    spec = _spec(app, isp_tenant)
    for path, methods in ENDPOINTS.items():
        for method in methods:
            operation = spec["paths"][path][method]
            assert operation.get("summary"), (path, method)
            params = [*spec["paths"][path].get("parameters", []), *operation.get("parameters", [])]
            account = [p for p in params if p["name"] == "account_id" and p["in"] == "path"]
            assert account and "GET /api/v1/accounts" in account[0]["description"], (path, method)
            assert "no ISP contract" in operation["responses"]["404"]["description"], (path, method)


def test_refusable_actions_document_the_409_shape(app, isp_tenant):
    spec = _spec(app, isp_tenant)
    for path, method in REFUSABLE:
        refused = spec["paths"][path][method]["responses"]["409"]
        schema = _schema(spec, refused["content"]["application/json"]["schema"])
        assert set(schema["properties"]) == {"code", "message", "reasons"}, (path, method)
        reason = _schema(spec, schema["properties"]["reasons"]["items"])
        assert set(reason["properties"]) == {"code", "message"}, (path, method)
