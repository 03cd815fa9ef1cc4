"""Hooks through which features (core's and a plugin's) reach the kernel: API tokens, template names."""

from __future__ import annotations

import types

import pytest
from flask import render_template_string

from core.api import PluginInfo, hookimpl
from core.app import create_app
from core.plugins.manager import PluginError
from core.testing.fixtures import tenant_path

TOKEN = "kiosk-token-of-the-test-plugin"


def _plugin(name: str, **hooks) -> types.ModuleType:
    module = types.ModuleType(name)
    module.plugin_info = PluginInfo(name=name, version="0.1", title=name, description="test")
    for hook_name, function in hooks.items():
        setattr(module, hook_name, hookimpl(function))
    return module


def _kiosk_user(token):
    """The plugin's own kind of token: it answers for it, and leaves every other token to core."""
    from flask import g
    from sqlalchemy import select

    from core.db import session
    from core.identity.models import User

    if token != TOKEN:
        return None
    return session.scalar(select(User).where(User.tenant_id == g.tenant.id, User.login == "kiosk"))


@pytest.fixture
def app_plugins():
    return [
        _plugin("kiosk", principal_for_token=_kiosk_user),
        _plugin("shouting", template_filters=lambda: {"shout": lambda text: f"{text}!".upper()}),
    ]


def test_a_plugin_answers_for_its_own_tokens_and_core_for_its_own(app, make_tenant, make_user):
    tenant = make_tenant("acme", login_identifier="contract")
    make_user(tenant, "kiosk", full_name="Hall kiosk")
    make_user(tenant, "ann", password="Passw0rd-1")
    client = app.test_client()
    me = client.get(tenant_path(tenant, "/api/v1/me"), headers={"Authorization": f"Bearer {TOKEN}"})
    assert me.status_code == 200 and me.get_json()["login"] == "kiosk"

    login = client.post(tenant_path(tenant, "/api/v1/auth/login"), json={"login": "ann", "password": "Passw0rd-1"})
    token = login.get_json()["token"]
    me = client.get(tenant_path(tenant, "/api/v1/me"), headers={"Authorization": f"Bearer {token}"})
    assert me.get_json()["login"] == "ann"

    wrong = client.get(tenant_path(tenant, "/api/v1/me"), headers={"Authorization": "Bearer not-a-token"})
    assert wrong.status_code == 401


def test_template_filters_of_core_features_and_plugins_reach_every_template(app):
    with app.test_request_context():
        assert render_template_string("{{ 'hi'|shout }}") == "HI!"
        assert render_template_string("{{ 150000|money }}").replace("\xa0", " ") in {"1 500,00 ₽", "₽1,500.00"}
        assert callable(app.jinja_env.globals["unread_notifications"])


def test_a_template_name_given_twice_stops_start_up(app_config):
    clash = _plugin("clash", template_globals=lambda: {"unread_notifications": lambda: 0})
    with pytest.raises(PluginError, match=r"'unread_notifications' is given by both core\.notify and clash"):
        create_app(app_config, plugins=[clash], discover=False)
