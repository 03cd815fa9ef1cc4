"""The OpenAPI document as served: the spec plus a ``servers`` entry for the site it was fetched from."""

from __future__ import annotations

from flask import Flask, current_app, json, request
from flask_smorest import Api


def tenant_servers() -> list[dict[str, str]]:
    """The tenant's API base: ``https://isp.example`` or ``https://platform.example/t/<slug>``.

    The document's paths start with ``/api/v1``, so a client reading it from ``/t/<slug>/`` must be
    sent back there, not to the platform's host.
    """
    return [{"url": request.url_root.rstrip("/"), "description": "this provider's site"}]


def serve_document_with_servers(app: Flask, api: Api) -> None:
    """Replace flask-smorest's ``openapi.json`` view with one that adds :func:`tenant_servers`."""

    def openapi_json():
        document = {**api.spec.to_dict(), "servers": tenant_servers()}
        return current_app.response_class(json.dumps(document, indent=2), mimetype="application/json")

    endpoint = "api-docs.openapi_json"
    if endpoint in app.view_functions:
        app.view_functions[endpoint] = openapi_json
