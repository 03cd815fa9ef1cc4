"""``abonent faq import FILE --tenant SLUG``: load questions from a text file, all or nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from core.api import Tenant, session, tenant_scope
from plugins.faq import service

faq = AppGroup("faq", help="FAQ plugin.")


@faq.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--tenant", "slug", required=True)
def import_command(file: Path, slug: str) -> None:
    """Add 'question | answer' lines from FILE. Any bad line: nothing is added, exit code 1."""
    tenant = session.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        raise click.BadParameter(f"no tenant {slug!r}", param_hint="--tenant")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        click.echo(f"{file}: not UTF-8 text ({error})", err=True)
        sys.exit(1)
    rows, problems = service.parse_import(text)
    if problems:
        for problem in problems:
            click.echo(f"{file}:{problem.line}: {problem.reason}", err=True)
        click.echo(f"{len(problems)} bad line(s); nothing imported.", err=True)
        sys.exit(1)
    with tenant_scope(tenant.id):
        for question, answer in rows:
            service.add_entry(question, answer)
        session.commit()
    click.echo(f"imported {len(rows)} question(s) into {slug}")
