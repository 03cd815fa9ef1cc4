"""``abonent payments``: import bank payment registries."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from core.cli.common import tenant_by_slug
from core.db import session, tenant_scope
from core.payments.registry import RegistryError, import_registry, report_text

payments = AppGroup("payments", help="Payments: bank registries.")


@payments.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--tenant", "slug", required=True, help="The tenant the registry is for.")
@click.option("--dry-run", is_flag=True, help="Check the file and print the report; import nothing.")
def import_command(file: Path, slug: str, dry_run: bool) -> None:
    """Import a bank registry FILE (all or nothing) and print the reconciliation report."""
    tenant = tenant_by_slug(slug)
    data = file.read_bytes()
    with tenant_scope(tenant.id):
        try:
            imported = import_registry(data, file.name, "system (cli)", dry_run=dry_run)
        except RegistryError as error:
            session.rollback()
            for problem in error.problems:
                click.echo(f"{file}:{problem.line}: {problem.reason}", err=True)
            click.echo(f"{file}: {len(error.problems)} problem(s); nothing imported", err=True)
            sys.exit(1)
        if dry_run:
            session.rollback()
        else:
            session.commit()
    for line in report_text(imported):
        click.echo(line)
    click.echo("dry run: nothing imported" if dry_run else f"imported as #{imported.id}")
