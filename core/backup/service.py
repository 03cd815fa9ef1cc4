"""Taking and restoring a backup of the whole database.

SQLite: the online backup API (a consistent copy while the site keeps running). PostgreSQL: ``pg_dump`` in its
custom format and ``pg_restore`` (run them as the database owner: row-level security hides rows from the app's
role, and a backup must hold every tenant's rows).
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url


class BackupError(Exception):
    """A backup or restore could not be done; the message says why, in words for the operator."""


@dataclass(frozen=True)
class Database:
    """The database a backup is taken from or restored into."""

    url: URL

    @classmethod
    def from_url(cls, url: str) -> Database:
        """Read an SQLAlchemy URL (``sqlite:///…`` or ``postgresql+psycopg://…``)."""
        parsed = make_url(url)
        if parsed.get_backend_name() not in ("sqlite", "postgresql"):
            raise BackupError(f"backups support SQLite and PostgreSQL, not {parsed.get_backend_name()}")
        return cls(parsed)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def sqlite_path(self) -> Path:
        if not self.url.database or self.url.database == ":memory:":
            raise BackupError("an in-memory SQLite database cannot be backed up")
        return Path(self.url.database)

    @property
    def libpq_url(self) -> str:
        """The URL as ``pg_dump``/``pg_restore`` read it (no SQLAlchemy driver suffix)."""
        return self.url.set(drivername="postgresql").render_as_string(hide_password=False)


def backup(database: Database, target: Path) -> Path:
    """Write a consistent backup of ``database`` to ``target`` (a new file); returns the file."""
    if target.exists():
        raise BackupError(f"{target} exists already; a backup never overwrites a file")
    target.parent.mkdir(parents=True, exist_ok=True)
    if database.is_sqlite:
        _sqlite_copy(database.sqlite_path, target)
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), database.libpq_url], "pg_dump")
    return target


def restore(database: Database, source: Path) -> None:
    """Replace the contents of ``database`` with the backup in ``source`` (stop the site and workers first)."""
    if not source.is_file():
        raise BackupError(f"{source} is not a backup file")
    if database.is_sqlite:
        _check_sqlite_backup(source)
        _sqlite_copy(source, database.sqlite_path)
    else:
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                database.libpq_url,
                str(source),
            ],
            "pg_restore",
        )


def _sqlite_copy(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()


def _check_sqlite_backup(source: Path) -> None:
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchone()
        conn.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{source} is not an SQLite backup: {error}") from error
    if result is None or result[0] != "ok":
        raise BackupError(f"{source} is damaged: {result}")


def _run(command: list[str], tool: str) -> None:
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed (Debian: apt install postgresql-client)")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.strip() or done.returncode}")
