"""``abonent backup`` then ``abonent restore`` into a fresh database gives back every row and a sound ledger."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import create_engine, func, inspect, select, table

from core.app import create_app
from core.cli.main import cli
from core.testing.fixtures import _create_postgres_database, _drop_postgres_database


def row_counts(url: str) -> dict[str, int]:
    """Rows per table, read as the owner (row-level security hides nothing from the owner)."""
    engine = create_engine(url)
    with engine.connect() as conn:
        names = [name for name in inspect(conn).get_table_names() if name != "alembic_version"]
        counts = {name: conn.execute(select(func.count()).select_from(table(name))).scalar_one() for name in names}
    engine.dispose()
    return counts


@pytest.fixture
def fresh_database(tmp_path):
    """An empty database of the same kind as the test database: (its owner URL)."""
    server = os.environ.get("ABONENT_TEST_DATABASE_URL", "")
    if not server.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    owner_url, _app_url, name = _create_postgres_database(server)
    yield owner_url
    _drop_postgres_database(server, name)


def run(app, *args: str):
    return CliRunner().invoke(cli, list(args), obj=ScriptInfo(create_app=lambda: app))


def test_a_restored_backup_has_every_row_and_a_passing_ledger_check(
    app, abonent_database, abonent_world, fresh_database, tmp_path
):
    abonent_world("backed-up")
    owner = abonent_database.owner_url
    before = row_counts(owner)
    assert before["postings"] > 0 and before["users"] > 0  # there is something to lose

    target = tmp_path / "abonent.backup"
    made = run(app, "backup", str(target), "--database-url", owner)
    assert made.exit_code == 0, made.output
    assert target.stat().st_size > 0

    restored = run(app, "restore", str(target), "--database-url", fresh_database, "--yes")
    assert restored.exit_code == 0, restored.output
    assert row_counts(fresh_database) == before

    restored_app = create_app({"DATABASE_URL": fresh_database, "TESTING": True, "INSTANCE_DIR": str(tmp_path)})
    checked = run(restored_app, "ledger", "check")
    assert checked.exit_code == 0, checked.output
    assert "backed-up: ok" in checked.output
    restored_app.extensions["abonent.db"].dispose()


def test_a_backup_never_overwrites_a_file_and_a_bad_file_is_refused_without_harm(
    app, abonent_database, abonent_world, fresh_database, tmp_path
):
    abonent_world("kept")
    existing = tmp_path / "existing.backup"
    existing.write_text("keep me")
    refused = run(app, "backup", str(existing), "--database-url", abonent_database.owner_url)
    assert refused.exit_code != 0
    assert "exists already" in refused.output and existing.read_text() == "keep me"

    before = row_counts(abonent_database.owner_url)
    garbage = tmp_path / "garbage.backup"
    garbage.write_bytes(b"this is not a backup at all\n" * 10)
    bad = run(app, "restore", str(garbage), "--database-url", abonent_database.owner_url, "--yes")
    assert bad.exit_code != 0
    assert "Error:" in bad.output and "Traceback" not in bad.output
    assert row_counts(abonent_database.owner_url) == before  # nothing lost or half-written


def test_restore_asks_before_replacing_the_database(app, abonent_database, tmp_path):
    target = tmp_path / "asked.backup"
    assert run(app, "backup", str(target), "--database-url", abonent_database.owner_url).exit_code == 0
    answer_no = CliRunner().invoke(
        cli,
        ["restore", str(target), "--database-url", abonent_database.owner_url],
        input="n\n",
        obj=ScriptInfo(create_app=lambda: app),
    )
    assert answer_no.exit_code == 1 and "Aborted" in answer_no.output
