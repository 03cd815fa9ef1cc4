"""A plain (non-editable) ``pip install .`` gets everything the app reads from disk.

The wheel is built from a copy of the source tree (no install, no network): it must carry core's and the
plugins' Alembic scripts, the templates, the compiled translations, the identity common-password list and
the demo tenants, or ``abonent db upgrade`` / ``abonent demo`` fail on an installed copy.
"""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import setuptools
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
SKIP = shutil.ignore_patterns(".git", ".venv", "instance", "build", "dist", "*.egg-info", "__pycache__", "*.db")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    shutil.copytree(ROOT, source, ignore=SKIP)
    # Offline with the dev extra's setuptools; an older venv lets pip fetch the build backend instead.
    isolation = ["--no-build-isolation"] if Version(setuptools.__version__) >= Version("77") else []
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", *isolation, "-q", "-w", work],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    (made,) = work.glob("abonent-*.whl")
    return made


@pytest.fixture(scope="module")
def wheel_names(wheel) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_wheel_ships_core_and_plugin_migrations(wheel_names):
    core_versions = {p.name for p in (ROOT / "core" / "migrations" / "versions").glob("*.py")}
    assert core_versions
    assert {f"core/migrations/versions/{name}" for name in core_versions} <= wheel_names
    assert {"core/migrations/env.py", "core/migrations/script.py.mako"} <= wheel_names
    for plugin in ("faq", "isp"):
        versions = {p.name for p in (ROOT / "plugins" / plugin / "migrations" / "versions").glob("*.py")}
        assert versions and {f"plugins/{plugin}/migrations/versions/{name}" for name in versions} <= wheel_names


def test_wheel_ships_templates_translations_and_data(wheel_names):
    assert "core/templates/base.html" in wheel_names
    assert "core/templates/mail/new_password.txt" in wheel_names
    assert any(name.startswith("plugins/isp/templates/") for name in wheel_names)
    assert any(name.startswith("core/static/") for name in wheel_names)
    for package in ("core", "plugins/faq", "plugins/isp"):
        assert f"{package}/translations/ru/LC_MESSAGES/messages.mo" in wheel_names
    assert "core/identity/data/common-passwords.txt" in wheel_names
    assert "core/cli/demo_tenants/uralnet.toml" in wheel_names
    assert "core/cli/demo_tenants/logos/uralnet.png" in wheel_names
    assert "plugins/dmdk/demo/registry.toml" in wheel_names  # a demo tenant shipped inside a plugin
    assert "plugins/dmdk/registry/data/sample_registry.json" in wheel_names
    assert "core/scaffold/template/PKG/migrations/versions/REV_base.py.tmpl" in wheel_names
    assert not [name for name in wheel_names if "__pycache__" in name or name.startswith("tests/")]


def test_an_installed_copy_migrates_and_sets_up_the_demo(wheel, tmp_path):
    """``pip install`` of the wheel (not editable) into a new venv, run far from the source tree."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    # The dependencies come from this venv (offline); the abonent package only from the wheel.
    site = next((venv / "lib").glob("python*/site-packages"))
    deps = [path for path in sys.path if path.endswith("site-packages")]
    (site / "deps.pth").write_text("\n".join(deps) + "\n")
    python = venv / "bin" / "python"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
        capture_output=True,
        text=True,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    run_in = tmp_path / "elsewhere"
    run_in.mkdir()
    env = {"PATH": "/usr/bin:/bin", "ABONENT_INSTANCE_PATH": str(run_in / "instance"), "HOME": str(tmp_path)}
    where = subprocess.run(
        [str(python), "-c", "import core; print(core.__file__)"], cwd=run_in, env=env, capture_output=True, text=True
    )
    assert str(site) in where.stdout, where.stdout + where.stderr  # the installed copy, not the source tree
    upgraded = subprocess.run(
        [str(venv / "bin" / "abonent"), "db", "upgrade"], cwd=run_in, env=env, capture_output=True, text=True
    )
    assert upgraded.returncode == 0, upgraded.stderr[-3000:]
    demo = subprocess.run(
        [str(venv / "bin" / "abonent"), "demo", "--no-serve"], cwd=run_in, env=env, capture_output=True, text=True
    )
    assert demo.returncode == 0, demo.stderr[-3000:]
    assert "login 200101" in demo.stdout and "uralnet" in demo.stdout
    assert "Демо-реестр ДМДК" in demo.stdout  # the plugin's own demo tenant, with its certificates
    assert (run_in / "instance" / "dmdk-demo" / "head.pem").is_file()
