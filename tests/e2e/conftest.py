"""Fixtures for the browser tests: the real demo server in a subprocess and a headless Debian Chromium."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_TIMEOUT = 60.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _abonent_command() -> Path:
    """The ``abonent`` script of the virtualenv running the tests (the repo's ``.venv`` normally)."""
    script = Path(sys.executable).parent / "abonent"
    return script if script.exists() else REPO_ROOT / ".venv" / "bin" / "abonent"


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"demo server exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    pytest.fail(f"demo server did not answer {url} within {STARTUP_TIMEOUT:.0f} s:\n{log.read_text(errors='replace')}")


@contextlib.contextmanager
def run_demo(instance: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """Run ``abonent demo`` on a fresh SQLite database in ``instance`` (with ``extra_env``, e.g. an SMTP server);
    yield its base URL (``http://127.0.0.1:<port>``) once it answers, stop it after."""
    log = instance / "demo.log"
    port = _free_port()
    env = {**os.environ, "ABONENT_INSTANCE_PATH": str(instance), **(extra_env or {})}
    env.pop("ABONENT_DATABASE_URL", None)  # always the instance folder's fresh SQLite database
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(_abonent_command()), "demo", "--port", str(port)],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(f"{base}/healthz", process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL (``http://127.0.0.1:<port>``) of ``abonent demo`` running on a fresh SQLite database."""
    with run_demo(tmp_path_factory.mktemp("demo-instance")) as base:
        yield base


def _require_chromium() -> None:
    """Skip without Chromium on a developer machine; fail under CI, which must never skip silently."""
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the browser tests")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """A headless Chromium (the Debian package, not a Playwright download)."""
    _require_chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """``test-artifacts/`` at the repo root, for screenshots."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
