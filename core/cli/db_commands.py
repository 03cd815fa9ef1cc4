"""``abonent db``: schema migrations."""

from __future__ import annotations

import click
from alembic import command
from flask import current_app
from flask.cli import AppGroup

from core.migrate import MIGRATIONS_DIR, alembic_config, grant_app_role, upgrade

db = AppGroup("db", help="Database schema.")


@db.command("upgrade")
@click.option("--revision", default="heads", show_default=True, help="Target revision (core and every plugin).")
@click.option("--grant-to", default="", help="PostgreSQL role of the application to grant table access to.")
def upgrade_command(revision: str, grant_to: str) -> None:
    """Apply migrations of core and every installed plugin."""
    applied = upgrade(current_app, revision)
    if grant_to:
        grant_app_role(current_app, grant_to)
    for line in applied:
        click.echo(f"applied {line}")
    click.echo(f"database is up to date ({len(applied)} revision{'' if len(applied) == 1 else 's'} applied)")


@db.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--plugin", default=None, help="Write into this plugin's branch instead of core's.")
@click.option("--initial", is_flag=True, help="Start the branch (its first revision).")
def revision_command(message: str, plugin: str | None, initial: bool) -> None:
    """Autogenerate a migration from the models of core or of one plugin (for developers)."""
    config = alembic_config(current_app)
    if plugin:
        info = current_app.plugins.infos[plugin]
        module = current_app.plugins.pm.get_plugin(plugin).__name__
        config.attributes["autogenerate_prefix"] = module + "."
        path, label = str(info.migrations), plugin
    else:
        config.attributes["autogenerate_prefix"] = "core."
        path, label = str(MIGRATIONS_DIR / "versions"), "core"
    if initial:
        command.revision(
            config,
            message=message,
            autogenerate=True,
            head="base",
            branch_label=label,
            version_path=path,
            depends_on=None if not plugin else "core@head",
        )
    else:
        command.revision(config, message=message, autogenerate=True, head=f"{label}@head", version_path=path)


@db.command("citus-plan")
def citus_plan_command() -> None:
    """Print the SQL that distributes the tables on Citus (run it on the coordinator after `db upgrade`).

    Tables without tenant_id become reference tables; every tenant-owned table is distributed by tenant_id,
    colocated with the others. The list comes from the models of core and of every installed plugin.
    """
    from core.db.citus import citus_plan, key_violations

    problems = key_violations()
    if problems:
        for problem in problems:
            click.echo(f"not ready: {problem}", err=True)
        raise click.exceptions.Exit(1)
    for line in citus_plan():
        click.echo(line)
