"""Installing a plugin project from its own folder into a throwaway virtualenv, and running its tests there."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import core

REPO = Path(core.__file__).resolve().parent.parent


def ruff_problems(root: Path) -> list[str]:
    """What ``ruff check`` and ``ruff format --check`` report for ``root`` (empty when clean or ruff is absent)."""
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not Path(ruff).exists():
        return []
    problems = []
    for args in (["check", "."], ["format", "--check", "."]):
        lint = subprocess.run([ruff, *args], cwd=root, capture_output=True, text=True)
        if lint.returncode != 0:
            problems.append(lint.stdout + lint.stderr)
    return problems


def venv(folder: Path) -> Path:
    """A virtualenv whose python sees this interpreter's packages (Abonent, pytest, pip) but installs apart."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    python = folder / "bin" / "python"
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


def install_and_test(project: Path, folder: Path) -> subprocess.CompletedProcess:
    """``pip install --no-deps -e project`` into a new virtualenv under ``folder``, then its pytest run."""
    python = venv(folder / "venv")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    install = [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "-e", str(project)]
    subprocess.run(install, check=True, env=env, capture_output=True)
    return subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
