"""Flask-Babel finds its per-request state through core's one-lookup helper, with the same translations."""

from __future__ import annotations

import flask_babel
from flask_babel import force_locale, gettext

from core.web.i18n import _babel_context


def test_flask_babel_uses_the_fast_context_and_still_switches_language(app):
    assert flask_babel.get_locale.__globals__["_get_current_context"] is _babel_context
    with app.test_request_context("/"):
        with force_locale("ru"):
            assert gettext("Notifications") == "Уведомления"
            assert str(flask_babel.get_locale()) == "ru"
        with force_locale("en"):
            assert gettext("Notifications") == "Notifications"
    with app.app_context():
        assert _babel_context() is _babel_context()  # one namespace per context
    assert _babel_context() is None  # outside any context: Flask-Babel's null translations
