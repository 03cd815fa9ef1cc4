"""``abonent tenants``: tenants as files (plan, apply), list, show."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from core.cli.common import tenant_by_slug
from core.db import cross_tenant, session
from core.tenants import files
from core.tenants.models import Tenant

tenants = AppGroup("tenants", help="Tenants (providers) of this installation.")


@tenants.command("apply")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Only print the plan.")
def apply_command(folder: Path, dry_run: bool) -> None:
    """Create or update tenants from FOLDER/*.toml. Invalid files: nothing is applied, exit code 1."""
    with cross_tenant():
        try:
            definitions = files.load_definitions(folder)
        except files.TenantFilesError as error:
            for problem in error.problems:
                click.echo(f"error: {problem}", err=True)
            click.echo(f"{len(error.problems)} problem(s); nothing applied.", err=True)
            sys.exit(1)
        plan = files.plan(definitions)
        for item in plan:
            detail = f" ({', '.join(item.changes)})" if item.changes and item.action == "update" else ""
            click.echo(f"{item.action:>9}  {item.slug}{detail}")
        if dry_run:
            click.echo("dry run: nothing applied")
            return
        files.apply(plan)
        session.commit()
    changed = sum(1 for item in plan if item.action != "no change")
    click.echo(f"applied: {changed} changed, {len(plan) - changed} unchanged")


@tenants.command("list")
def list_command() -> None:
    """List tenants."""
    for tenant in session.scalars(select(Tenant).order_by(Tenant.slug)):
        hosts = ", ".join(d.host for d in tenant.domains)
        click.echo(f"{tenant.slug:<20} {tenant.status:<10} {tenant.name}  [{hosts}]")


@tenants.command("show")
@click.argument("slug")
def show_command(slug: str) -> None:
    """Show one tenant as JSON."""
    tenant = tenant_by_slug(slug)
    data = {
        "slug": tenant.slug,
        "name": tenant.name,
        "status": tenant.status,
        "locale": tenant.locale,
        "timezone": tenant.timezone,
        "login_identifier": tenant.login_identifier,
        "password_reset": tenant.password_reset,
        "domains": [d.host for d in tenant.domains],
        "branding": tenant.branding,
        "contacts": tenant.contacts,
        "legal": tenant.legal,
        "bank": tenant.bank,
    }
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))
