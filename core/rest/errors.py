"""JSON errors for the API: ``{"code": 422, "status": "...", "message": "...", "errors": {field: [...]}}``."""

from __future__ import annotations

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

MESSAGES = {
    401: "authentication required: send Authorization: Bearer <token>",
    403: "you do not have the permission for this",
    404: "not found",
}


def json_message(code: int, message: str, errors: dict | None = None):
    body: dict = {"code": code, "message": message}
    if errors:
        body["errors"] = errors
    return jsonify(body)


def protocol_headers(error: HTTPException) -> list[tuple[str, str]]:
    """The headers the status itself calls for — ``Allow`` on a 405, ``Retry-After`` on a 429 or 503 — which an
    answer written by hand (JSON, a branded page) must keep; the body's ``Content-Type`` is the answer's own."""
    return [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]


def json_error(error: HTTPException):
    """The JSON answer for ``error`` under ``/api``: its code, a message and the invalid fields, if any.

    The message is, in order: flask-smorest's ``abort(code, message="…")``, ``abort(code, description)``,
    core's wording for 401/403/404, or the status's own text.
    """
    data = getattr(error, "data", None) or {}
    errors = data.get("messages")
    if isinstance(errors, dict) and len(errors) == 1 and next(iter(errors)) in ("json", "query", "form", "files"):
        errors = next(iter(errors.values()))
    custom = error.description if error.description != type(error).description else None
    if isinstance(data.get("message"), str) and data["message"].strip():
        custom = data["message"]  # flask-smorest's ``abort(409, message="…")`` keeps its words
    message = custom or MESSAGES.get(error.code or 500) or error.description or error.name
    if errors:
        message = "the request has invalid fields"
    response = json_message(error.code or 500, message, errors)
    response.status_code = error.code or 500
    response.headers.extend(protocol_headers(error))
    if error.code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="abonent"'
    return response


def init_api_errors(app: Flask) -> None:
    """flask-smorest installs its own HTTP error handler; put back the shell's, which answers JSON under /api."""
    from core.web.setup import handle_http_error

    app.register_error_handler(HTTPException, handle_http_error)
