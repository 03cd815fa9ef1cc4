"""``abonent db upgrade`` names the revisions it applied, and says when there were none."""

from __future__ import annotations

from click.testing import CliRunner

from core.cli.main import cli


def test_upgrade_lists_the_revisions_it_applied(tmp_path, monkeypatch):
    monkeypatch.setenv("ABONENT_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("ABONENT_DATABASE_URL", f"sqlite:///{tmp_path / 'abonent.db'}")
    runner = CliRunner()
    first = runner.invoke(cli, ["db", "upgrade"])
    assert first.exit_code == 0, first.output
    applied = [line for line in first.output.splitlines() if line.startswith("applied ")]
    assert applied[0].startswith("applied 8ea8875cdfd8")  # core's first revision comes first
    assert any(line.startswith("applied f87122015aec faq base") for line in applied)  # a plugin's branch too
    assert f"({len(applied)} revisions applied)" in first.output
    again = runner.invoke(cli, ["db", "upgrade"])
    assert again.exit_code == 0, again.output
    assert "applied " not in again.output.replace("revisions applied", "")
    assert "database is up to date (0 revisions applied)" in again.output
