"""The OpenAPI document as served: the spec plus a ``servers`` entry for the site it was fetched from.

On a provider's site (``/t/<slug>/api/v1/openapi.json`` or its own host) the document lists core's operations
and those of the plugins the provider has enabled — what the site answers; another plugin's routes answer 404
there and are left out. Served without a tenant (the platform's host) it lists everything.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, current_app, g, json, request
from flask_smorest import Api

from core.plugins.state import enabled_plugins

_RULE_PARAM = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def tenant_servers() -> list[dict[str, str]]:
    """The tenant's API base: ``https://isp.example`` or ``https://platform.example/t/<slug>``.

    The document's paths start with ``/api/v1``, so a client reading it from ``/t/<slug>/`` must be
    sent back there, not to the platform's host.
    """
    return [{"url": request.url_root.rstrip("/"), "description": "this provider's site"}]


def plugin_paths(app: Flask) -> dict[str, str]:
    """``{OpenAPI path: plugin name}`` for every route of a vertical plugin's blueprint (core's are not listed)."""
    owners = app.extensions["abonent.blueprint_owner"]
    paths = {}
    for rule in app.url_map.iter_rules():
        owner = owners.get(rule.endpoint.split(".")[0])
        if owner is not None:
            paths[_RULE_PARAM.sub(r"{\1}", rule.rule)] = owner
    return paths


def for_site(document: dict[str, Any], owned: dict[str, str], enabled: set[str]) -> dict[str, Any]:
    """``document`` without the paths of plugins not in ``enabled``, and without the tags no operation uses then."""
    paths = {path: item for path, item in document.get("paths", {}).items() if owned.get(path) in (None, *enabled)}
    used = {
        tag
        for item in paths.values()
        for operation in item.values()
        if isinstance(operation, dict)
        for tag in operation.get("tags", ())
    }
    tags = [tag for tag in document.get("tags", []) if tag.get("name") in used]
    return {**document, "paths": paths, "tags": tags}


def serve_document_with_servers(app: Flask, api: Api) -> None:
    """Replace flask-smorest's ``openapi.json`` view with one that adds :func:`tenant_servers` and, on a provider's
    site, keeps only the operations the site answers (core's and its enabled plugins')."""
    owned: dict[str, str] | None = None

    def openapi_json():
        nonlocal owned
        document = api.spec.to_dict()
        tenant = g.get("tenant")
        if tenant is not None:
            if owned is None:
                owned = plugin_paths(current_app)
            document = for_site(document, owned, set(enabled_plugins(tenant)))
        document = {**document, "servers": tenant_servers()}
        return current_app.response_class(json.dumps(document, indent=2), mimetype="application/json")

    endpoint = "api-docs.openapi_json"
    if endpoint in app.view_functions:
        app.view_functions[endpoint] = openapi_json
