"""How acme_guard plugs into Abonent: every hook implementation, in one place."""

from __future__ import annotations

from flask import render_template

from core.api import MenuItem, NotificationKind, Permission, TenantJob, Widget, hookimpl, plugin_settings

from acme_guard import api, demo, jobs, service, views
from acme_guard import cli as plugin_cli
from acme_guard.service import ADDED, NAME


@hookimpl
def register_blueprints():
    return [views.blueprint]


@hookimpl
def register_api():
    return [api.blueprint]


@hookimpl
def register_commands(cli):
    cli.add_command(plugin_cli.group)


@hookimpl
def register_permissions():
    return [
        Permission(f"{NAME}.read", "See the items", ("subscriber", "operator", "tenant_admin")),
        Permission(f"{NAME}.manage", "Add items", ("operator", "tenant_admin")),
    ]


@hookimpl
def register_jobs():
    return [TenantJob(f"{NAME}.tidy", NAME, jobs.tidy, every_seconds=3600)]


@hookimpl
def register_notification_kinds():
    return [NotificationKind(ADDED, service.ADDED_TITLE, email_default=False)]


@hookimpl
def menu_items(tenant, user):
    if user is None:
        return []
    title = plugin_settings(tenant, NAME).title
    return [
        MenuItem(title, f"{NAME}.index", order=500, permission=f"{NAME}.read"),
        MenuItem(title, f"{NAME}.manage", order=500, area="admin", permission=f"{NAME}.manage"),
    ]


@hookimpl
def dashboard_widgets(tenant, user):
    settings = plugin_settings(tenant, NAME)
    if not settings.show_on_dashboard:
        return []
    items = service.items(limit=3)
    html = render_template(f"{NAME}/widget.html", items=items)
    return [Widget(settings.title, html, order=900, permission=f"{NAME}.read")]


@hookimpl
def demo_tenant_files():
    return [demo.DEMO_TENANT]


@hookimpl
def load_demo_data(tenant, data):
    return demo.load(data)


@hookimpl
def populate_test_world(tenant, site):
    from acme_guard.testing import populate  # test-only objects, imported only here

    return populate(site)
