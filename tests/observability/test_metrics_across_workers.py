"""``/metrics`` adds up every gunicorn worker's samples, so a scrape never sees one worker's share only."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from core.testing.live import free_port


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def healthz_count(metrics: str) -> float:
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith("abonent_http_requests_total{") and 'route="/healthz"' in line
    )


def test_requests_served_by_several_workers_are_all_counted(app, app_config, tmp_path):
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    port = free_port()
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "ABONENT_DATABASE_URL": app_config["DATABASE_URL"],
        "ABONENT_SECRET_KEY": app.config["SECRET_KEY"],
        "ABONENT_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "-w",
            "3",
            "-b",
            f"127.0.0.1:{port}",
            "-c",
            "python:core.observability.gunicorn",
            "core.app:create_app()",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                fetch(base + "/readyz")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else "gunicorn exited"
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)
        before = healthz_count(fetch(base + "/metrics"))
        for _ in range(30):
            fetch(base + "/healthz")
        assert healthz_count(fetch(base + "/metrics")) == before + 30
        assert len(list(metrics_dir.glob("counter_*.db"))) >= 2  # more than one worker wrote samples
    finally:
        server.terminate()
        server.wait(30)
