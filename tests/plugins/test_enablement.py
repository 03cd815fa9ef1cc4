"""Per-tenant plugins: enabling, disabling and configuring change routes, menu and hook calls for that tenant only."""

import json

import pytest
from click.testing import CliRunner

from core.cli.main import cli
from core.testing.fixtures import tenant_path
from tests.plugins import recorder


@pytest.fixture
def app_plugins():
    recorder.calls.clear()
    return [recorder]


@pytest.fixture
def tenants(make_tenant, make_user):
    a, b = make_tenant("alpha"), make_tenant("beta")
    users = {t.slug: make_user(t, f"ann@{t.slug}.example", full_name="Ann") for t in (a, b)}
    return a, b, users


def test_hooks_are_called_only_for_tenants_that_enabled_the_plugin(app, tenants, login, enable_plugin):
    a, b, users = tenants
    enable_plugin(a, "recorder")
    assert ("on_plugin_enabled", "alpha") in recorder.calls
    recorder.calls.clear()
    page_a = login(a, users["alpha"]).get(tenant_path(a, "/")).get_data(as_text=True)
    page_b = login(b, users["beta"]).get(tenant_path(b, "/")).get_data(as_text=True)
    assert "Recorder widget" in page_a and "Recorder menu" in page_a
    assert "Recorder widget" not in page_b and "Recorder menu" not in page_b
    assert {slug for _hook, slug in recorder.calls} == {"alpha"}


def test_disabling_stops_the_hooks_and_calls_on_plugin_disabled(app, tenants, login, enable_plugin, disable_plugin):
    a, _b, users = tenants
    enable_plugin(a, "recorder")
    disable_plugin(a, "recorder")
    assert ("on_plugin_disabled", "alpha") in recorder.calls
    recorder.calls.clear()
    page = login(a, users["alpha"]).get(tenant_path(a, "/")).get_data(as_text=True)
    assert "Recorder widget" not in page
    assert recorder.calls == []


def test_faq_routes_menu_and_api_follow_enablement_per_tenant(
    app, tenants, login, enable_plugin, disable_plugin, api_token
):
    a, b, users = tenants
    enable_plugin(a, "faq", {"title": "Вопросы"})
    client_a, client_b = login(a, users["alpha"]), login(b, users["beta"])
    assert client_a.get(tenant_path(a, "/faq/")).status_code == 200
    assert "Вопросы" in client_a.get(tenant_path(a, "/")).get_data(as_text=True)
    assert client_b.get(tenant_path(b, "/faq/")).status_code == 404
    assert "/faq/" not in client_b.get(tenant_path(b, "/")).get_data(as_text=True)
    token_b = api_token(b, users["beta"])
    api_b = app.test_client().get(tenant_path(b, "/api/v1/faq"), headers={"Authorization": f"Bearer {token_b}"})
    assert api_b.status_code == 404
    disable_plugin(a, "faq")
    assert client_a.get(tenant_path(a, "/faq/")).status_code == 404


def test_settings_change_what_the_tenant_sees(app, tenants, login, enable_plugin):
    a, _b, users = tenants
    enable_plugin(a, "faq", {"title": "Частые вопросы", "show_on_dashboard": False})
    page = login(a, users["alpha"]).get(tenant_path(a, "/")).get_data(as_text=True)
    assert "Как сменить пароль?" not in page  # the seeded question is not on the dashboard
    enable_plugin(a, "faq", {"title": "Помощь", "show_on_dashboard": True, "dashboard_count": 1})
    page = login(a, users["alpha"]).get(tenant_path(a, "/")).get_data(as_text=True)
    assert "Помощь" in page and "Как сменить пароль?" in page


def test_invalid_settings_in_the_admin_ui_are_field_errors_and_nothing_is_saved(
    app, tenants, login, make_user, enable_plugin
):
    a, _b, _users = tenants
    enable_plugin(a, "faq", {"title": "Вопросы"})
    admin = make_user(a, "boss@alpha.example", roles=("tenant_admin",))
    client = login(a, admin)
    url = tenant_path(a, "/admin/plugins/faq")
    response = client.submit(url, {"title": "", "dashboard_count": "99", "show_on_dashboard": "on"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert html.count('class="error"') >= 2
    assert 'value="Вопросы"' not in html or "99" in html  # the form keeps what was typed
    with app.app_context():
        from core.db import session
        from core.plugins.state import plugin_settings

        assert plugin_settings(session.merge(a), "faq")["title"] == "Вопросы"
    ok = client.submit(url, {"title": "Справка", "dashboard_count": "2", "show_on_dashboard": "on"})
    assert ok.status_code == 302
    with app.app_context():
        from core.db import session
        from core.plugins.state import plugin_settings

        assert plugin_settings(session.merge(a), "faq")["dashboard_count"] == 2


def test_cli_enable_configure_disable(app, tenants, monkeypatch):
    monkeypatch.setenv("ABONENT_DATABASE_URL", app.config["DATABASE_URL"])
    runner = CliRunner()
    assert runner.invoke(cli, ["plugins", "enable", "faq", "--tenant", "alpha"]).exit_code == 0
    bad = runner.invoke(
        cli, ["plugins", "configure", "faq", "--tenant", "alpha", "--set", "dashboard_count=0", "--set", "colour=red"]
    )
    assert bad.exit_code == 1
    assert "faq.dashboard_count" in bad.output and "faq.colour" in bad.output and "nothing saved" in bad.output
    good = runner.invoke(cli, ["plugins", "configure", "faq", "--tenant", "alpha", "--set", "dashboard_count=5"])
    assert good.exit_code == 0, good.output
    shown = runner.invoke(cli, ["plugins", "configure", "faq", "--tenant", "alpha", "--show"])
    assert json.loads(shown.output)["dashboard_count"] == 5
    listing = runner.invoke(cli, ["plugins", "list", "--tenant", "beta"])
    assert "faq" in listing.output and "[disabled]" in listing.output
    assert runner.invoke(cli, ["plugins", "disable", "faq", "--tenant", "alpha"]).exit_code == 0
    unknown = runner.invoke(cli, ["plugins", "enable", "nope", "--tenant", "alpha"])
    assert unknown.exit_code == 1 and "no installed plugin" in unknown.output


def test_plugin_static_files_are_served_only_where_enabled(app, tenants, enable_plugin):
    a, b, _users = tenants
    enable_plugin(a, "faq")
    client = app.test_client()
    css = client.get(tenant_path(a, "/faq/static/faq.css"))
    assert css.status_code == 200 and "details.faq" in css.get_data(as_text=True)
    assert client.get(tenant_path(b, "/faq/static/faq.css")).status_code == 404
