"""``core.api`` is the plugins' whole surface: every name it promises imports, and the refusal helper answers 409."""

import core.api


def test_every_name_in_all_imports():
    module = core.api
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert missing == []
    namespace: dict = {}
    exec("from core.api import *", namespace)  # the star import a plugin author may write
    assert set(module.__all__) <= set(namespace)


def test_what_plugins_use_is_exported():
    for name in ("N_", "Payment", "BEARER", "get_or_404", "Refusal", "Refused", "RefusedSchema", "refused_response"):
        assert name in core.api.__all__, name
    for name in ("save_settings", "get_settings", "plugin_settings", "Settings", "SettingsError"):
        assert name in core.api.__all__, name


def test_the_ledger_names_its_public_functions():
    public = set(core.api.ledger.__all__)
    assert {"transfer", "post_transfers", "revenue_account", "credit_account", "Transfer"} <= public
    assert all(hasattr(core.api.ledger, name) for name in core.api.ledger.__all__)
    assert "_write" not in core.api.ledger.__all__


def test_a_refusal_answers_409_with_codes_and_words_in_the_readers_language(app):
    from flask_babel import lazy_gettext

    refused = core.api.Refused([core.api.Refusal("low_balance", lazy_gettext("Invalid value."))])
    with app.test_request_context(headers={"Accept-Language": "ru"}):
        response = core.api.refused_response(refused)
        assert refused.messages == [refused.reasons[0].message]
    assert response.status_code == 409
    body = response.get_json()
    assert body["code"] == "refused" and body["reasons"][0]["code"] == "low_balance"
    assert body["reasons"][0]["message"] == body["message"] != "Invalid value."
