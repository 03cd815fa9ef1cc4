"""``abonent plugins``: list, enable, disable, configure per tenant."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from core import scaffold
from core.cli.common import tenant_by_slug
from core.db import session, tenant_scope
from core.plugins.enablement import (
    PluginSettingsError,
    UnknownPluginError,
    configure_plugin,
    disable_plugin,
    enable_plugin,
)
from core.plugins.models import TenantPlugin
from core.plugins.state import plugin_settings
from core.tenants.models import Tenant

plugins = AppGroup("plugins", help="Plugins and their per-tenant settings.")


@plugins.command("list")
@click.option("--tenant", "slug", default=None, help="Show enablement and settings for this tenant.")
def list_command(slug: str | None) -> None:
    """List installed plugins (and, with --tenant, whether each is enabled there)."""
    tenant = tenant_by_slug(slug) if slug else None
    rows = {}
    if tenant is not None:
        with tenant_scope(tenant.id):
            rows = {r.plugin: r for r in session.scalars(select(TenantPlugin))}
    for name, info in sorted(current_app.plugins.infos.items()):
        line = f"{name:<16} {info.version:<8} {info.title}"
        if tenant is not None:
            row = rows.get(name)
            state = "enabled" if row is not None and row.enabled else "disabled"
            line += f"  [{state}]"
        click.echo(line)


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _parse_settings(pairs: tuple[str, ...], as_json: str | None) -> dict:
    if as_json:
        try:
            data = json.loads(as_json)
        except json.JSONDecodeError as error:
            _fail(f"--json is not valid JSON: {error}")
        if not isinstance(data, dict):
            _fail("--json must be an object")
        return data
    settings: dict = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            _fail(f"--set takes key=value, got {pair!r}")
        try:
            settings[key] = json.loads(value)
        except json.JSONDecodeError:
            settings[key] = value
    return settings


def _report_settings_error(error: PluginSettingsError) -> None:
    for field, reasons in error.messages.items():
        click.echo(
            f"error: {error.plugin}.{field}: {'; '.join(map(str, reasons)) if isinstance(reasons, list) else reasons}",
            err=True,
        )
    click.echo("nothing saved.", err=True)
    sys.exit(1)


def _tenant(slug: str) -> Tenant:
    return tenant_by_slug(slug)


@plugins.command("enable")
@click.argument("name")
@click.option("--tenant", "slug", required=True)
def enable_command(name: str, slug: str) -> None:
    """Enable plugin NAME for a tenant."""
    tenant = _tenant(slug)
    try:
        with tenant_scope(tenant.id):
            enable_plugin(tenant, name)
            session.commit()
    except UnknownPluginError as error:
        _fail(str(error))
    except PluginSettingsError as error:
        _report_settings_error(error)
    click.echo(f"{name} enabled for {slug}")


@plugins.command("disable")
@click.argument("name")
@click.option("--tenant", "slug", required=True)
def disable_command(name: str, slug: str) -> None:
    """Disable plugin NAME for a tenant (its data stays)."""
    tenant = _tenant(slug)
    try:
        with tenant_scope(tenant.id):
            disable_plugin(tenant, name)
            session.commit()
    except UnknownPluginError as error:
        _fail(str(error))
    click.echo(f"{name} disabled for {slug}")


@plugins.command("configure")
@click.argument("name")
@click.option("--tenant", "slug", required=True)
@click.option(
    "--set", "pairs", multiple=True, metavar="KEY=VALUE", help="A setting (value parsed as JSON if it can be)."
)
@click.option("--json", "as_json", default=None, help="All settings as one JSON object.")
@click.option("--show", is_flag=True, help="Print the current settings and exit.")
def configure_command(name: str, slug: str, pairs: tuple[str, ...], as_json: str | None, show: bool) -> None:
    """Set plugin NAME's settings for a tenant. Keys not given keep their current values."""
    tenant = _tenant(slug)
    if name not in current_app.plugins.infos:
        _fail(f"no installed plugin is named {name!r}")
    with tenant_scope(tenant.id):
        current = plugin_settings(tenant, name)
        if show:
            click.echo(json.dumps(current.as_dict(), ensure_ascii=False, indent=2, default=str))
            return
        info = current_app.plugins.infos[name]
        stored = info.settings_schema().dump(current) if info.settings_schema else {}
        try:
            configure_plugin(tenant, name, {**stored, **_parse_settings(pairs, as_json)})
            session.commit()
        except PluginSettingsError as error:
            session.rollback()
            _report_settings_error(error)
    click.echo(f"{name} configured for {slug}")


@plugins.command("new")
@click.argument("name")
@click.option(
    "--path",
    "parent",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The folder to write the new project into.",
)
@click.option("--title", default=None, help="The plugin's human title (default: from NAME).")
def new_command(name: str, parent: Path, title: str | None) -> None:
    """Write a new plugin NAME as a pip-installable package that passes its own tests and ruff.

    It has an entry point, settings, a model with its Alembic branch, a page, an admin page, an API
    endpoint, a command, a job, a notification kind, demo data, a Russian catalogue and tests.
    """
    try:
        plugin = scaffold.create(name, parent, title, taken=frozenset(current_app.plugins.infos))
    except scaffold.ScaffoldError as error:
        _fail(str(error))
    click.echo(f"wrote {plugin.root} (first revision {plugin.revision})")
    click.echo(f"next: pip install -e {plugin.root} && abonent db upgrade && (cd {plugin.root} && python -m pytest)")
