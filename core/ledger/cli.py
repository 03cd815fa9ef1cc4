"""``abonent ledger check``: prove every balance equals its postings and every transaction sums to zero."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from core.cli.common import tenant_by_slug
from core.db import session, tenant_scope
from core.ledger.service import check
from core.tenants.models import Tenant

ledger = AppGroup("ledger", help="The double-entry ledger.")


@ledger.command("check")
@click.option("--tenant", "slug", default=None, help="Only this tenant (default: all).")
def check_command(slug: str | None) -> None:
    """Check the ledger's invariants; exit code 1 and a line per problem if any is broken."""
    tenants = [tenant_by_slug(slug)] if slug else list(session.scalars(select(Tenant).order_by(Tenant.slug)))
    broken = 0
    for tenant in tenants:
        with tenant_scope(tenant.id):
            problems = check()
        for problem in problems:
            click.echo(f"{tenant.slug}: {problem.what}: {problem.detail}", err=True)
        broken += len(problems)
        click.echo(f"{tenant.slug}: {'ok' if not problems else f'{len(problems)} problem(s)'}")
    if broken:
        sys.exit(1)
