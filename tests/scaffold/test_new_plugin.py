"""``abonent plugins new``: the generated plugin passes ruff and its own tests, installed from a temporary folder.

The plugin is installed (``pip install --no-deps -e``) into a throwaway virtualenv that sees this
environment's packages through a ``.pth`` file, never into the environment running the tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from core.cli.main import cli
from tests.scaffold.outside import install_and_test, ruff_problems


def _new(tmp_path: Path, *args: str):
    return CliRunner().invoke(cli, ["plugins", "new", *args, "--path", str(tmp_path)])


def test_a_new_plugin_passes_ruff_and_its_own_tests(tmp_path):
    result = _new(tmp_path, "home_guard", "--title", "Home guard")
    assert result.exit_code == 0, result.output
    root = tmp_path / "home-guard"
    assert "first revision" in result.output
    migration = next((root / "home_guard" / "migrations" / "versions").glob("*_home_guard_base.py")).read_text()
    assert 'enable_row_level_security(op, "home_guard_items")' in migration
    assert (root / "home_guard" / "translations" / "ru" / "LC_MESSAGES" / "messages.mo").is_file()
    assert ruff_problems(root) == []
    run = install_and_test(root, tmp_path)
    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "failed" not in run.stdout


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (["Bad-Name"], "is not a plugin name"),
        (["faq"], "already installed"),
        (["class"], "is not a plugin name"),
        (["flask"], "a Python module named 'flask' already exists"),
        (["home_guard", "--title", 'Acme "Guard"'], "is not a title"),
        (["home_guard", "--title", "x" * 61], "is not a title"),
    ],
)
def test_bad_or_taken_names_are_refused(tmp_path, name, message):
    result = _new(tmp_path, *name)
    assert result.exit_code != 0
    assert message in result.output
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_not_overwritten(tmp_path):
    (tmp_path / "home-guard").mkdir()
    (tmp_path / "home-guard" / "keep.txt").write_text("mine")
    result = _new(tmp_path, "home_guard")
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert [p.name for p in (tmp_path / "home-guard").iterdir()] == ["keep.txt"]
