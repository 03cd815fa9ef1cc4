"""A plugin adds its own counter to the start page and its own card to the ticket page, for its tenants only."""

from __future__ import annotations

import types

import pytest

from core.api import Counter, PluginInfo, Widget, hookimpl, open_ticket
from core.db import session, tenant_scope
from core.identity.models import User
from core.testing.fixtures import tenant_path


def _probe() -> types.ModuleType:
    module = types.ModuleType("probe_console")
    module.plugin_info = PluginInfo(name="probe_console", version="1.0.0", title="Probe")

    @hookimpl
    def staff_counters(tenant, user):
        return [Counter("Meters to read", 42, "admin.subscribers", permission="subscribers.view")]

    @hookimpl
    def ticket_panel(tenant, ticket, account):
        return [Widget("Probe card", f"<p>about ticket {ticket.id}</p>", order=5)]

    module.staff_counters = staff_counters
    module.ticket_panel = ticket_panel
    return module


@pytest.fixture
def app_plugins():
    return [_probe()]


def test_an_enabled_plugins_counter_and_ticket_card_are_shown(app, make_tenant, make_user, login, enable_plugin):
    on = make_tenant("probe-on", login_identifier="contract", locale="en")
    off = make_tenant("probe-off", login_identifier="contract", locale="en")
    enable_plugin(on, "probe_console", {})
    pages = {}
    for tenant in (on, off):
        subscriber = make_user(tenant, "100200")
        with app.app_context(), tenant_scope(tenant.id):
            ticket = open_ticket(session.get(User, subscriber.id), "technical", "Help", "Please")
            session.commit()
            ticket_id = ticket.id
        client = login(tenant, make_user(tenant, "operator", roles=("operator",)))
        start = client.get(tenant_path(tenant, "/admin/")).get_data(as_text=True)
        card = client.get(tenant_path(tenant, f"/admin/support/{ticket_id}")).get_data(as_text=True)
        pages[tenant.slug] = (start, card, ticket_id)
    start, card, ticket_id = pages["probe-on"]
    assert ">42</span>" in start and "Meters to read" in start
    assert "Probe card" in card and f"about ticket {ticket_id}" in card
    start, card, _ = pages["probe-off"]
    assert "Meters to read" not in start and "Probe card" not in card


def test_a_counter_behind_a_permission_the_user_lacks_is_dropped(app, make_tenant, make_user, login, enable_plugin):
    tenant = make_tenant("probe-tech", login_identifier="contract", locale="en")
    enable_plugin(tenant, "probe_console", {})
    technician = login(tenant, make_user(tenant, "tech", roles=("technician",)))
    assert "Meters to read" not in technician.get(tenant_path(tenant, "/admin/")).get_data(as_text=True)
