"""``abonent housing …``: the plugin's command group, and the one way an import command reads a file."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from core.api import Tenant, session, tenant_scope
from plugins.housing.common import csvimport

housing = AppGroup("housing", help="Housing plugin: the housing stock, meters and readings.")


def tenant_or_fail(slug: str) -> Tenant:
    """The tenant named by ``--tenant``; a clear error when there is none."""
    tenant = session.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        raise click.BadParameter(f"no tenant {slug!r}", param_hint="--tenant")
    return tenant


def import_command(name: str, kind: csvimport.CsvImport, summary: Callable[[dict[str, int]], str], help: str) -> None:
    """Add ``abonent housing NAME FILE --tenant SLUG``: import FILE with ``kind``; any bad line: nothing is written,
    each problem is printed as FILE:LINE: reason, exit code 1; otherwise ``summary(counts)`` is printed."""

    @housing.command(name, help=help)
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--tenant", "slug", required=True)
    def command(file: Path, slug: str) -> None:
        tenant = tenant_or_fail(slug)
        with tenant_scope(tenant.id):
            outcome = csvimport.run(kind, file.read_bytes())
            if not outcome.ok:
                for problem in outcome.problems:
                    click.echo(f"{file}:{problem.line}: {problem}", err=True)
                click.echo(f"{outcome.bad_lines} bad line(s); nothing imported.", err=True)
                sys.exit(1)
            session.commit()
        click.echo(f"{slug}: {summary(outcome.counts)}")
