"""``abonent plugins new``: the generated plugin passes ruff and its own tests, installed from a temporary folder.

The plugin is installed (``pip install --no-deps -e``) into a throwaway virtualenv that sees this
environment's packages through a ``.pth`` file, never into the environment running the tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from click.testing import CliRunner

import core
from core.cli.main import cli

REPO = Path(core.__file__).resolve().parent.parent


def _new(tmp_path: Path, *args: str):
    return CliRunner().invoke(cli, ["plugins", "new", *args, "--path", str(tmp_path)])


def _venv(tmp_path: Path) -> Path:
    """A virtualenv whose python sees this environment's packages (Abonent, pytest, pip) but installs apart."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # every site-packages folder of this interpreter, in its order (a .pth file's own .pth files are not read)
    outer = [entry for entry in sys.path if entry.endswith("site-packages")] or [sysconfig.get_paths()["purelib"]]
    Path(purelib, "_abonent_outer.pth").write_text("\n".join(outer) + "\n")
    return python


def test_a_new_plugin_passes_ruff_and_its_own_tests(tmp_path):
    result = _new(tmp_path, "home_guard", "--title", "Home guard")
    assert result.exit_code == 0, result.output
    root = tmp_path / "home-guard"
    assert "first revision" in result.output
    migration = next((root / "home_guard" / "migrations" / "versions").glob("*_home_guard_base.py")).read_text()
    assert 'enable_row_level_security(op, "home_guard_items")' in migration
    assert (root / "home_guard" / "translations" / "ru" / "LC_MESSAGES" / "messages.mo").is_file()

    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if Path(ruff).exists():
        for args in (["check", "."], ["format", "--check", "."]):
            lint = subprocess.run([ruff, *args], cwd=root, capture_output=True, text=True)
            assert lint.returncode == 0, lint.stdout + lint.stderr

    python = _venv(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    install = [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "-e", str(root)]
    subprocess.run(install, check=True, env=env, capture_output=True)
    run = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
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
