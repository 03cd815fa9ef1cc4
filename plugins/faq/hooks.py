"""The FAQ plugin's hook implementations."""

from __future__ import annotations

from flask import render_template

from core.api import MenuItem, Permission, Widget, hookimpl, plugin_settings
from plugins.faq import api, views
from plugins.faq import cli as faq_cli
from plugins.faq.service import add_entry, all_entries, dashboard_questions

NAME = "faq"


@hookimpl
def register_blueprints():
    return [views.blueprint]


@hookimpl
def register_api():
    return [api.blueprint]


@hookimpl
def register_commands(cli):
    cli.add_command(faq_cli.faq)


@hookimpl
def register_permissions():
    return [
        Permission("faq.read", "Read the FAQ", ("subscriber", "operator", "tenant_admin")),
        Permission("faq.manage", "Edit the FAQ", ("operator", "tenant_admin")),
    ]


@hookimpl
def menu_items(tenant, user):
    if user is None:
        return []
    title = plugin_settings(tenant, NAME).title
    return [
        MenuItem(title, "faq.index", order=500, permission="faq.read"),
        MenuItem(title, "faq.manage", order=70, area="admin", permission="faq.manage"),
    ]


@hookimpl
def dashboard_widgets(tenant, user):
    settings = plugin_settings(tenant, NAME)
    if not settings.show_on_dashboard:
        return []
    entries = dashboard_questions(settings.dashboard_count)
    if not entries:
        return []
    html = render_template("faq/widget.html", entries=entries)
    return [Widget(settings.title, html, order=900, permission="faq.read")]


@hookimpl
def on_plugin_enabled(tenant, settings):
    if not all_entries():
        add_entry("Как сменить пароль?", "Откройте «Профиль» и заполните форму «Сменить пароль».")


@hookimpl
def populate_test_world(tenant, site):
    from plugins.faq.testing import populate

    return populate(site)
