"""Shared test setup. The fixtures themselves live in ``core.testing.fixtures`` (an installed pytest plugin);
here only what the project's own suite needs beyond them: a real Redis server."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest

from core.testing.fixtures import tenant_path
from core.testing.live import free_port

__all__ = ["tenant_path"]


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """The URL of a running Redis: 127.0.0.1:6379 when it answers, else a private ``redis-server`` started here."""
    if _redis_answers(6379):
        yield "redis://127.0.0.1:6379/0"
        return
    binary = shutil.which("redis-server")
    assert binary, "redis-server is not installed (.ci/run installs Debian's redis-server)"
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not _redis_answers(port):
        assert time.monotonic() < deadline, "redis-server did not start"
        time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(10)
