"""A new route acting on a user is covered by the privilege test without being named in it."""

import pytest
from flask import jsonify
from flask_smorest import Blueprint as ApiBlueprint

from core.access.guard import require
from core.api import target_user
from core.db import session
from core.db.queries import get_or_404
from core.identity import service
from core.identity.models import USER_BLOCKED, User
from core.plugins.markers import hookimpl
from core.plugins.types import PluginInfo
from tests.access.test_acting_on_users import _attack, actor, tenants, user_rules  # noqa: F401

careless = ApiBlueprint("api_probe_careless", __name__, url_prefix="/api/v1/probe-careless")
careful = ApiBlueprint("api_probe_careful", __name__, url_prefix="/api/v1/probe-careful")


@careless.post("/users/<int:user_id>/block")
@require("subscribers.manage")
def careless_block(user_id: int):
    service.set_status(get_or_404(User, user_id), USER_BLOCKED)  # forgets who may act on whom
    session.commit()
    return jsonify({"ok": True})


@careful.post("/users/<int:user_id>/block")
@require("subscribers.manage")
def careful_block(user_id: int):
    service.set_status(target_user(user_id), USER_BLOCKED)
    session.commit()
    return jsonify({"ok": True})


class ProbePlugin:
    plugin_info = PluginInfo(name="probe", version="0.1", title="Probe")

    @staticmethod
    @hookimpl
    def register_api():
        return [careless, careful]


@pytest.fixture
def app_plugins():
    return [ProbePlugin]


def test_a_new_api_route_acting_on_a_user_is_walked_and_judged(app, tenants, make_user, actor, enable_plugin):  # noqa: F811
    tenant = tenants[0]
    enable_plugin(tenant, "probe")
    operator = make_user(tenant, "op@alpha.example", roles=("operator",))
    boss = make_user(tenant, "boss@alpha.example", roles=("tenant_admin",))
    rules = {rule.endpoint: rule for rule in user_rules(app)}
    client = actor(tenant, operator)
    assert _attack(app, tenant, client, boss, [rules["api_probe_careful.careful_block"]]) == []
    found = _attack(app, tenant, client, boss, [rules["api_probe_careless.careless_block"]])
    assert any("changed the user" in f for f in found)
