"""``abonent housing import-stock FILE --tenant SLUG``: buildings, flats and accounts from CSV, all or nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from core.api import Tenant, session, tenant_scope
from plugins.housing.stock import importer

housing = AppGroup("housing", help="Housing plugin: the housing stock, meters and readings.")


@housing.command("import-stock")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--tenant", "slug", required=True)
def import_stock_command(file: Path, slug: str) -> None:
    """Add buildings, flats and accounts from FILE (see the column list in the docs). Any bad line: nothing is
    added, each problem is printed as FILE:LINE, exit code 1."""
    tenant = session.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        raise click.BadParameter(f"no tenant {slug!r}", param_hint="--tenant")
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        click.echo(f"{file}: not UTF-8 text ({error})", err=True)
        sys.exit(1)
    lines, problems = importer.parse(text)
    with tenant_scope(tenant.id):
        if not problems:
            imported, problems = importer.apply(lines)
        if problems:
            session.rollback()
            for problem in problems:
                click.echo(f"{file}:{problem.line}: {problem.reason}", err=True)
            click.echo(f"{len(problems)} bad line(s); nothing imported.", err=True)
            sys.exit(1)
        session.commit()
    click.echo(
        f"{slug}: {imported.buildings} building(s), {imported.flats} flat(s), {imported.accounts} account(s) added"
    )
