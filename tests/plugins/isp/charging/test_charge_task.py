"""The charge run as a background task: claimed by one consumer, its failure shown, its page only for its staff."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.api import TaskError, session, start_task, tenant_scope, utcnow
from core.jobs.background import RUN_JOB, run_task
from core.jobs.models import BackgroundTask
from core.jobs.registry import run_job
from core.testing.fixtures import tenant_path
from plugins.isp.charging import task as charge_task
from tests.plugins.isp.charging.test_charging_admin import URL, charge_transactions, setup


def queue_run(admin, tenant, today) -> str:
    response = admin.submit(tenant_path(tenant, URL), {"day": today.isoformat(), "action": "run"})
    assert response.status_code == 302
    return response.location


def task_id(location: str) -> int:
    return int(location.rstrip("/").rsplit("/", 1)[-1])


def test_two_consumers_run_a_task_once(app, isp_tenant, catalog, contract_from, make_user, login):
    tenant, today, admin = setup(isp_tenant, catalog, contract_from, make_user, login)
    location = queue_run(admin, tenant, today)
    with app.app_context(), tenant_scope(tenant.id):
        assert run_task(task_id(location), utcnow()) == "done"
        assert run_task(task_id(location), utcnow()) == "skipped"  # a second consumer finds it taken
    assert charge_transactions(app, tenant) == 3


def test_a_failed_run_is_shown_as_failed_and_posts_nothing_unfinished(
    app, isp_tenant, catalog, contract_from, make_user, login, monkeypatch
):
    tenant, today, admin = setup(isp_tenant, catalog, contract_from, make_user, login)

    def broken(*_args, **_kwargs):
        raise RuntimeError("the ledger is on fire")

    monkeypatch.setattr(charge_task, "charge_day", broken)
    location = queue_run(admin, tenant, today)
    assert run_job(app, RUN_JOB)["failed"] == 1
    page = admin.get(location)
    text = page.get_data(as_text=True)
    assert "Failed" in text and "server log" in text and "on fire" not in text  # no internals on the page
    assert "Refresh" not in page.headers
    with app.app_context(), tenant_scope(tenant.id):
        assert "on fire" in session.get(BackgroundTask, task_id(location)).error  # kept for the administrator
    assert charge_transactions(app, tenant) == 0


def test_a_task_left_by_a_dead_consumer_is_taken_over(app, isp_tenant, catalog, contract_from, make_user, login):
    tenant, today, admin = setup(isp_tenant, catalog, contract_from, make_user, login)
    location = queue_run(admin, tenant, today)
    with app.app_context(), tenant_scope(tenant.id):
        task = session.get(BackgroundTask, task_id(location))
        task.status, task.started_at = "running", utcnow() - timedelta(hours=2)
        task.heartbeat_at = utcnow() - timedelta(hours=2)
        session.commit()
    assert run_job(app, RUN_JOB)["done"] == 1
    assert "3 charge(s) posted" in admin.get(location).get_data(as_text=True)


def test_another_tenants_task_and_a_task_beyond_ones_permissions_answer_404(
    app, isp_tenant, catalog, contract_from, make_user, login
):
    tenant, today, admin = setup(isp_tenant, catalog, contract_from, make_user, login)
    location = queue_run(admin, tenant, today)
    other = isp_tenant(slug="othernet", locale="en")
    stranger = login(other, make_user(other, "boss2", roles=("tenant_admin",)))
    assert stranger.get(tenant_path(other, f"/admin/tasks/{task_id(location)}")).status_code == 404
    technician = login(tenant, make_user(tenant, "tech", roles=("technician",)))
    assert technician.get(location).status_code == 404  # may not run charges: may not see the run
    listed = technician.get(tenant_path(tenant, "/admin/tasks")).get_data(as_text=True)
    assert "Charge run for a day" not in listed
    assert "Charge run for a day" in admin.get(tenant_path(tenant, "/admin/tasks")).get_data(as_text=True)


def test_an_action_of_a_plugin_the_tenant_has_not_enabled_cannot_start(app, make_tenant):
    tenant = make_tenant("plain")
    with app.test_request_context(), tenant_scope(tenant.id), pytest.raises(TaskError):
        start_task("isp.charge_day", {"day": "2026-12-01"})
    with app.test_request_context(), tenant_scope(tenant.id), pytest.raises(TaskError):
        start_task("no.such.action")


def test_a_plugin_registers_its_actions_and_a_code_registered_twice_stops_the_start():
    import types

    from core.api import N_, BackgroundAction, PluginInfo, hookimpl
    from core.jobs import background
    from core.plugins.manager import PluginHost

    def probe(name: str):
        module = types.ModuleType(name)
        module.plugin_info = PluginInfo(name=name, version="1.0.0", title=name)
        action = BackgroundAction("probe.mailing", N_("Mailing"), lambda params, progress: {}, permission="x")
        module.register_background_actions = hookimpl(lambda: [action])
        return module

    host = PluginHost()
    host.register(probe("probe_one"))
    assert background.build_actions(host)["probe.mailing"].plugin == "probe_one"
    host.register(probe("probe_two"))
    with pytest.raises(ValueError, match=r"probe\.mailing"):
        background.build_actions(host)
