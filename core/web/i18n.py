"""Language and time zone of a request: the visitor's choice, else the user's, else the tenant's (Russian)."""

from __future__ import annotations

from types import SimpleNamespace

import flask_babel
from flask import Flask, current_app, g, has_app_context, has_request_context, request

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


def _babel_context() -> SimpleNamespace | None:
    """Flask-Babel's per-context namespace (locale, domain), found with one lookup of the app context.

    The same namespace as Flask-Babel's own ``_get_current_context`` (``g._flask_babel``), which reaches it
    through ``flask.g``'s proxy three times; every ``_()`` in a template asks it three times (domain,
    translations, locale), so a page spent more on those lookups than on translating.
    """
    if not has_app_context():
        return None
    store = g._get_current_object()
    try:
        return store._flask_babel
    except AttributeError:
        store._flask_babel = SimpleNamespace()
        return store._flask_babel


def _translations():
    """The request's catalogue, found once per request and language (``force_locale`` switches it for a while).

    Flask-Babel finds it anew for every ``_()`` of a template (the domain, the locale's name, a cache lookup);
    a page has a hundred of them.
    """
    ctx = _babel_context()
    if ctx is None:
        return flask_babel.get_translations()
    locale = getattr(ctx, "babel_locale", None)
    cached = getattr(ctx, "abonent_translations", None)
    if cached is not None and locale is not None and cached[0] is locale:
        return cached[1]
    translations = flask_babel.get_translations()
    ctx.abonent_translations = (getattr(ctx, "babel_locale", None), translations)
    return translations


def speed_up_babel(app: Flask) -> None:
    """Give Flask-Babel :func:`_babel_context` (once per process; left alone if a release renamed its helper), and
    the templates' ``_``/``ngettext``/``pgettext`` the request's catalogue through :func:`_translations`."""
    if hasattr(flask_babel, "_get_current_context"):
        flask_babel._get_current_context = _babel_context
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )
