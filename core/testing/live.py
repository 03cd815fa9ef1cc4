"""Real server processes for tests that need more than one worker (``abonent serve`` subprocesses)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    """One ``abonent serve`` process."""

    process: subprocess.Popen
    port: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_server(env: dict[str, str], instance: Path, timeout: float = 30) -> LiveServer:
    """Start ``abonent serve`` on a free port with ``env`` added; wait for /healthz."""
    port = free_port()
    abonent = Path(sys.executable).with_name("abonent")
    full_env = {**os.environ, **env, "ABONENT_INSTANCE_PATH": str(instance)}
    process = subprocess.Popen(
        [str(abonent), "serve", "--port", str(port), "--no-jobs"],
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return LiveServer(process, port)
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("server did not become healthy in time")


class Browser:
    """A cookie-keeping HTTP client that submits forms with their CSRF token (no redirects followed)."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()

        class _NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def request(self, url: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(url, data=body, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def submit(self, url: str, data: dict) -> tuple[int, str]:
        _status, page = self.request(url)
        match = _CSRF.search(page)
        if match is None:
            raise AssertionError(f"no CSRF token at {url}")
        return self.request(url, {**data, "csrf_token": match.group(1)})
