"""``abonent acme-guard …``: acme_guard's commands."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from core.api import Refused, Tenant, cross_tenant, session, tenant_scope

from acme_guard import service

group = AppGroup("acme-guard", help="Acme guard plugin.")


@group.command("add")
@click.argument("title")
@click.option("--note", default="")
@click.option("--tenant", "slug", required=True, help="The tenant's slug.")
def add_command(title: str, note: str, slug: str) -> None:
    """Add one item for a tenant."""
    with cross_tenant():
        tenant = session.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        raise click.BadParameter(f"no tenant {slug!r}", param_hint="--tenant")
    with tenant_scope(tenant.id):
        try:
            service.add_item(title, note)
        except Refused as refused:
            session.rollback()
            raise click.ClickException("; ".join(str(m) for m in refused.messages)) from None
        session.commit()
    click.echo(f"added to {slug}")
