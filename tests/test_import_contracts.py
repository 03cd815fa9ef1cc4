"""The import contracts in pyproject.toml hold today, and they bite: a forbidden import makes `lint-imports` fail."""

from __future__ import annotations

import os
import pkgutil
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import core

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONTRACTS = {
    c["id"]: c for c in tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]["contracts"]
}


def _lint(project: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(project)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(project / "pyproject.toml")],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory) -> Path:
    """A copy of the sources, to break on purpose without touching the real tree."""
    target = tmp_path_factory.mktemp("contracts")
    ignore = shutil.ignore_patterns("__pycache__", "*.mo", "static", "templates", "translations")
    for name in ("core", "plugins"):
        shutil.copytree(ROOT / name, target / name, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    return target


def test_every_core_module_but_the_api_is_closed_to_plugins():
    listed = set(CONTRACTS["plugins-use-core-api"]["forbidden_modules"])
    every = {f"core.{module.name}" for module in pkgutil.iter_modules(core.__path__)} - {"core.api"}
    assert every - listed == set(), "add new core modules to the plugins-use-core-api contract"


def test_the_kernel_owes_no_feature_import():
    """Issue #9 is paid off: features reach the kernel through hooks, no kernel → feature import is tolerated."""
    assert CONTRACTS["kernel-knows-no-feature"].get("ignore_imports", []) == []


def test_the_contracts_hold_on_the_real_tree(project_copy):
    result = _lint(project_copy)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "source", "contract"),
    [
        ("core/news/uses_plugin.py", "import plugins.faq\n", "Core never imports a plugin"),
        ("plugins/faq/reaches_in.py", "from core.db import session\n", "Plugins reach core only through core.api"),
        ("core/web/knows_feature.py", "from core.ledger import service\n", "The kernel imports no feature"),
        ("core/access/knows_pages.py", "import core.console.blueprint\n", "The kernel imports no feature"),
        # tariffs.addons imports contracts.service; this closes a cycle between the two capabilities
        ("plugins/isp/contracts/loop.py", "import plugins.isp.tariffs.addons\n", "No import cycles inside a plugin"),
    ],
)
def test_a_forbidden_import_breaks_its_contract(project_copy, module, source, contract):
    path = project_copy / module
    path.write_text(source, "utf-8")
    try:
        result = _lint(project_copy)
    finally:
        path.unlink()
    assert result.returncode != 0
    assert f"{contract} BROKEN" in result.stdout
