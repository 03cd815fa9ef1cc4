"""``abonent backup FILE`` and ``abonent restore FILE``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from core.backup.service import BackupError, Database, backup, restore

DATABASE_OPTION = click.option(
    "--database-url",
    envvar="ABONENT_OWNER_DATABASE_URL",
    default=None,
    help="The database owner's URL (default: ABONENT_OWNER_DATABASE_URL, else ABONENT_DATABASE_URL). On "
    "PostgreSQL use the owner: row-level security hides other tenants' rows from the app's role.",
)


def _database(url: str | None) -> Database:
    return Database.from_url(url or current_app.config["DATABASE_URL"])


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@DATABASE_OPTION
@with_appcontext
def backup_command(target: Path, database_url: str | None) -> None:
    """Write a backup of the whole database to TARGET (SQLite: a database file; PostgreSQL: pg_dump custom format)."""
    try:
        backup(_database(database_url), target)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"backup written to {target}")


@click.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@DATABASE_OPTION
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database's contents.")
@with_appcontext
def restore_command(source: Path, database_url: str | None, yes: bool) -> None:
    """Replace the database's contents with the backup in SOURCE. Stop the site and job workers first."""
    database = _database(database_url)
    if not yes:
        click.confirm(f"Replace every row of {database.url.render_as_string()} with {source}?", abort=True)
    current_app.extensions["abonent.db"].dispose()  # no connection of ours holds the file or the tables
    try:
        restore(database, source)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"restored from {source}; run `abonent db upgrade` if the backup is from an older version")
