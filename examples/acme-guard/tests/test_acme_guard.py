"""acme_guard's behaviour, through Abonent's shipped pytest plugin (fixtures need no conftest.py)."""

from __future__ import annotations

import tomllib

import pytest

from core.api import session, tenant_scope, utcnow
from core.testing.fixtures import tenant_path
from core.testing.suites import (
    TestHookimplsRegistered,  # noqa: F401 - every @hookimpl of the plugin is registered
    TestTranslationsAgree,  # noqa: F401 - its messages are translated as core and the other plugins translate them
)

from acme_guard import demo, jobs, service


@pytest.fixture
def site(app, make_tenant, make_user, enable_plugin):
    """Two tenants, only the first with acme_guard on; a subscriber and an operator there."""
    tenant = make_tenant("acme")
    other = make_tenant("other")
    enable_plugin(tenant, "acme_guard")
    subscriber = make_user(tenant, "ann@acme.example")
    operator = make_user(tenant, "olga@acme.example", roles=("operator",))
    return tenant, other, subscriber, operator


def add(app, tenant, title, note=""):
    with app.app_context(), tenant_scope(tenant.id):
        item_id = service.add_item(title, note).id
        session.commit()
    return item_id


def test_the_page_lists_the_tenants_items(site, app, login):
    tenant, _other, subscriber, _operator = site
    add(app, tenant, "Front door", "Checked daily")
    page = login(tenant, subscriber).get(tenant_path(tenant, "/acme-guard/"))
    assert page.status_code == 200
    assert "Front door" in page.get_data(as_text=True)


def test_a_tenant_without_the_plugin_gets_404(site, make_user, login):
    _tenant, other, _subscriber, _operator = site
    bob = make_user(other, "bob@other.example")
    assert login(other, bob).get(tenant_path(other, "/acme-guard/")).status_code == 404


def test_the_operator_adds_an_item_and_is_notified(site, login):
    tenant, _other, subscriber, operator = site
    client = login(tenant, operator)
    response = client.submit(tenant_path(tenant, "/acme-guard/manage"), {"title": "Garage", "note": "Side gate"})
    assert response.status_code == 302
    assert "Garage" in login(tenant, subscriber).get(tenant_path(tenant, "/acme-guard/")).get_data(as_text=True)
    assert "Garage" in client.get(tenant_path(tenant, "/notifications")).get_data(as_text=True)


def test_bad_and_duplicate_titles_are_refused_in_russian(site, app, login):
    tenant, _other, _subscriber, operator = site
    add(app, tenant, "Garage")
    client = login(tenant, operator)
    empty = client.submit(tenant_path(tenant, "/acme-guard/manage"), {"title": ""})
    assert empty.status_code == 400
    assert "Введите название." in empty.get_data(as_text=True)
    taken = client.submit(tenant_path(tenant, "/acme-guard/manage"), {"title": "Garage"})
    assert taken.status_code == 409
    assert "Запись с таким названием уже есть." in taken.get_data(as_text=True)


def test_a_subscriber_cannot_open_the_admin_page(site, login):
    tenant, _other, subscriber, _operator = site
    assert login(tenant, subscriber).get(tenant_path(tenant, "/acme-guard/manage")).status_code == 403


def test_the_api_lists_items_and_hides_another_tenants(site, app, make_user, enable_plugin, api_token):
    tenant, other, subscriber, _operator = site
    own = add(app, tenant, "Front door")
    enable_plugin(other, "acme_guard")
    foreign = add(app, other, "Not yours")
    headers = {"Authorization": f"Bearer {api_token(tenant, subscriber)}"}
    client = app.test_client()
    listed = client.get(tenant_path(tenant, "/api/v1/acme-guard"), headers=headers)
    assert [item["title"] for item in listed.get_json()] == ["Front door"]
    assert client.get(tenant_path(tenant, f"/api/v1/acme-guard/{own}"), headers=headers).status_code == 200
    assert client.get(tenant_path(tenant, f"/api/v1/acme-guard/{foreign}"), headers=headers).status_code == 404


def test_the_command_adds_an_item_and_reports_errors(site, app):
    tenant, _other, _subscriber, _operator = site
    runner = app.test_cli_runner()
    result = runner.invoke(args=["acme-guard", "add", "Cellar", "--tenant", "acme"])
    assert result.exit_code == 0, result.output
    assert "added to acme" in result.output
    again = runner.invoke(args=["acme-guard", "add", "Cellar", "--tenant", "acme"])
    assert again.exit_code != 0
    unknown = runner.invoke(args=["acme-guard", "add", "Cellar", "--tenant", "nobody"])
    assert unknown.exit_code != 0
    assert "nobody" in unknown.output


def test_the_job_is_idempotent(site, app):
    tenant, _other, _subscriber, _operator = site
    add(app, tenant, "Front door")
    with app.app_context(), tenant_scope(tenant.id):
        service.items()[0].note = "  spaces  "
        assert jobs.tidy(tenant, utcnow()) == 1
        assert jobs.tidy(tenant, utcnow()) == 0
        assert service.items()[0].note == "spaces"


def test_demo_data_is_created_once(site, app):
    tenant, _other, _subscriber, _operator = site
    with app.app_context(), tenant_scope(tenant.id):
        assert demo.load({"items": ["One", "Two"]}) == []
        demo.load({"items": ["One", "Two"]})
        assert sorted(item.title for item in service.items()) == ["One", "Two"]
        with pytest.raises(Exception, match="non-empty strings"):
            demo.load({"items": [""]})


def test_the_shipped_demo_site_enables_the_plugin_and_its_items_load(site, app):
    tenant, _other, _subscriber, _operator = site
    shipped = tomllib.loads(demo.DEMO_TENANT.read_text(encoding="utf-8"))
    assert shipped["plugins"]["acme_guard"]["enabled"] is True
    with app.app_context(), tenant_scope(tenant.id):
        demo.load(shipped["demo"]["plugins"]["acme_guard"])
        assert sorted(item.title for item in service.items()) == ["First item", "Second item"]
