"""Language and time zone of a request: the visitor's choice, else the user's, else the tenant's (Russian)."""

from __future__ import annotations

from flask import current_app, g, has_request_context, request

LANG_COOKIE = "abonent_lang"


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if has_request_context():
        chosen = request.cookies.get(LANG_COOKIE)
        if chosen in languages:
            return chosen
        principal = g.get("principal")
        if principal is not None and principal.locale in languages:
            return principal.locale
        tenant = g.get("tenant")
        if tenant is not None and tenant.locale in languages:
            return tenant.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    tenant = g.get("tenant") if has_request_context() else None
    return tenant.timezone if tenant is not None else "Europe/Moscow"
