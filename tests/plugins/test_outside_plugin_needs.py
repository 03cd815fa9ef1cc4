"""What an outside plugin needs from core: refusals keep their words, money in templates, cards by permission."""

from __future__ import annotations

import pytest
from flask import Blueprint, render_template_string
from flask_smorest import Blueprint as ApiBlueprint
from flask_smorest import abort

from core.api import Permission, PluginInfo, Widget, hookimpl, public
from core.testing.fixtures import tenant_path

api = ApiBlueprint("api_outside", __name__, url_prefix="/api/v1/outside")
pages = Blueprint("outside", __name__, url_prefix="/outside")


@api.post("/arm")
@public
def arm():
    """Refused with flask-smorest's own ``abort``."""
    abort(409, message="The object is already armed.")


@api.get("/gone")
@public
def gone():
    """flask-smorest's ``abort`` without a message."""
    abort(410)


@pages.get("/fee")
@public
def fee():
    return render_template_string("{{ 150000|money }} / {{ 150000|money('wire') }} / {{ -5|money('receipt') }}")


class OutsidePlugin:
    plugin_info = PluginInfo(name="outside", version="0", title="Outside")

    @hookimpl
    def register_api(self):
        return [api]

    @hookimpl
    def register_blueprints(self):
        return [pages]

    @hookimpl
    def register_permissions(self):
        return [Permission("outside.watch", "Watch the guarded objects", ("operator",))]

    @hookimpl
    def dashboard_widgets(self, tenant, user):
        return [Widget("Guarded objects", "<p>All quiet</p>", permission="outside.watch")]


@pytest.fixture
def app_plugins():
    return [OutsidePlugin()]


@pytest.fixture
def tenant(app, make_tenant, enable_plugin):
    tenant = make_tenant("guard")
    enable_plugin(tenant, "outside")
    return tenant


def test_abort_with_a_message_keeps_it_in_the_json_error(app, tenant):
    response = app.test_client().post(tenant_path(tenant, "/api/v1/outside/arm"))
    assert response.status_code == 409
    assert response.get_json() == {"code": 409, "message": "The object is already armed."}


def test_abort_without_a_message_says_the_status(app, tenant):
    response = app.test_client().get(tenant_path(tenant, "/api/v1/outside/gone"))
    assert response.status_code == 410
    assert response.get_json()["code"] == 410
    assert response.get_json()["message"]


def test_a_plugin_template_formats_kopecks_with_the_money_filter(app, tenant):
    text = app.test_client().get(tenant_path(tenant, "/outside/fee")).get_data(as_text=True)
    assert text == "1\N{NO-BREAK SPACE}500,00\N{NO-BREAK SPACE}₽ / 1500.00 / \N{MINUS SIGN}0,05\N{NO-BREAK SPACE}₽"


def test_a_dashboard_card_shows_only_to_viewers_with_its_permission(tenant, make_user, login):
    subscriber = make_user(tenant, "ann@guard.example")
    operator = make_user(tenant, "olga@guard.example", roles=("operator",))
    assert "All quiet" not in login(tenant, subscriber).get(tenant_path(tenant, "/")).get_data(as_text=True)
    assert "All quiet" in login(tenant, operator).get(tenant_path(tenant, "/")).get_data(as_text=True)
