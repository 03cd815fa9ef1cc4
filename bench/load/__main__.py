"""``python -m bench.load [--db sqlite|postgres|both] [--seconds 20] [--users 8]``: the load benchmark.

For each database: the demo is set up, then gunicorn serves Abonent (and, in the same run and with the same
settings, a bare Flask route as the baseline); locust (headless) drives the journeys of
``bench/load/locustfile.py``. Prints requests/s, p50/p95/p99 (ms) and errors per run, the dashboard's throughput
as a share of the bare route's, and one against two app servers behind HAProxy.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
POSTGRES_SERVER = os.environ.get("ABONENT_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
GUNICORN = ["-w", "2", "-k", "gthread", "--threads", "4", "--timeout", "60"]  # the same for Abonent and bare


@dataclass
class Result:
    label: str
    rps: float
    p50: float
    p95: float
    p99: float
    requests: int
    errors: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def serve(app: str, port: int, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "gunicorn"), *GUNICORN, "-b", f"127.0.0.1:{port}", app],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(*processes: subprocess.Popen) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(30)


def locust(host: str, users: int, seconds: int, classes: list[str], label: str, folder: Path) -> Result:
    prefix = folder / label.replace(" ", "_")
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(users),
            "-t",
            f"{seconds}s",
            "--host",
            host,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "ERROR",
            *classes,
        ],
        cwd=ROOT,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["Name"] == "Aggregated")
    return Result(
        label,
        float(row["Requests/s"]),
        float(row["50%"]),
        float(row["95%"]),
        float(row["99%"]),
        int(row["Request Count"]),
        int(row["Failure Count"]),
    )


def prepare(db: str, folder: Path) -> tuple[dict[str, str], str | None]:
    """Set the demo up in a fresh database; returns the servers' environment and the PostgreSQL database name."""
    env = {**os.environ, "ABONENT_INSTANCE_PATH": str(folder / "instance"), "ABONENT_SECRET_KEY": "bench-" + "x" * 40}
    name = None
    if db == "sqlite":
        owner = app_url = f"sqlite:///{folder / 'abonent.db'}"
    else:
        name = f"abonent_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        owner = make_url(POSTGRES_SERVER).set(database=name).render_as_string(hide_password=False)
        app_url = make_url(owner).set(username="abonent_app").render_as_string(hide_password=False)
    subprocess.run(
        [str(BIN / "abonent"), "demo", "--no-serve"],
        env={**env, "ABONENT_DATABASE_URL": owner},
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    if db == "postgres":
        subprocess.run(
            [str(BIN / "abonent"), "db", "upgrade", "--grant-to", "abonent_app"],
            env={**env, "ABONENT_DATABASE_URL": owner},
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return {**env, "ABONENT_DATABASE_URL": app_url}, name


def drop(name: str) -> None:
    admin = create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def balancer(port: int, servers: list[int], folder: Path) -> subprocess.Popen:
    config = folder / "haproxy.cfg"
    config.write_text(
        "defaults\n    mode http\n    timeout connect 2s\n    timeout client 60s\n    timeout server 60s\n"
        f"frontend site\n    bind 127.0.0.1:{port}\n    default_backend app\n"
        "backend app\n    balance roundrobin\n"
        + "".join(f"    server app{n} 127.0.0.1:{p}\n" for n, p in enumerate(servers))
    )
    return subprocess.Popen(["haproxy", "-db", "-f", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run_database(db: str, users: int, seconds: int) -> list[Result]:
    folder = Path(tempfile.mkdtemp(prefix=f"abonent-load-{db}-"))
    env, name = prepare(db, folder)
    results = []
    try:
        bare_port, one, two, front = free_port(), free_port(), free_port(), free_port()
        bare = serve("bench.load.bare_app:app", bare_port, env)
        wait_ready(f"http://127.0.0.1:{bare_port}/", bare)
        results.append(locust(f"http://127.0.0.1:{bare_port}", users, seconds, ["Bare"], f"{db} bare route", folder))
        stop(bare)

        first = serve("core.app:create_app()", one, {**env, "ABONENT_BASE_URL": f"http://127.0.0.1:{one}"})
        wait_ready(f"http://127.0.0.1:{one}/readyz", first)
        host = f"http://127.0.0.1:{one}"
        results.append(locust(host, users, seconds, ["Dashboard"], f"{db} dashboard, 1 server", folder))
        results.append(locust(host, users, seconds, ["Subscriber", "Operator"], f"{db} journeys, 1 server", folder))

        second = serve("core.app:create_app()", two, {**env, "ABONENT_BASE_URL": f"http://127.0.0.1:{front}"})
        wait_ready(f"http://127.0.0.1:{two}/readyz", second)
        proxy = balancer(front, [one, two], folder)
        wait_ready(f"http://127.0.0.1:{front}/healthz", proxy)
        results.append(
            locust(f"http://127.0.0.1:{front}", users * 2, seconds, ["Dashboard"], f"{db} dashboard, 2 servers", folder)
        )
        stop(proxy, first, second)
    finally:
        if name:
            drop(name)
        shutil.rmtree(folder, ignore_errors=True)
    return results


def report(results: list[Result]) -> str:
    lines = [
        "| run | requests/s | p50 ms | p95 ms | p99 ms | requests | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r.label} | {r.rps:.1f} | {r.p50:.0f} | {r.p95:.0f} | {r.p99:.0f} | {r.requests} | {r.errors} |"
        for r in results
    ]
    by_label = {r.label: r for r in results}
    for db in ("sqlite", "postgres"):
        bare, dash = by_label.get(f"{db} bare route"), by_label.get(f"{db} dashboard, 1 server")
        pair = by_label.get(f"{db} dashboard, 2 servers")
        if bare and dash and bare.rps:
            lines.append(
                f"\n{db}: dashboard = {dash.rps / bare.rps:.0%} of the bare route's throughput (target ≥ 50 %); "
                f"p99 = {dash.p99 / max(bare.p99, 1):.1f}× the bare route's (target ≤ 5×)"
            )
        if dash and pair and dash.rps:
            lines.append(
                f"{db}: two servers = {pair.rps / dash.rps:.2f}× one server (target ≥ 1.6× when the load "
                f"generator is not the limit; here it shares the {os.cpu_count()} CPUs with the servers)"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--users", type=int, default=8)
    args = parser.parse_args()
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = []
    for db in databases:
        results += run_database(db, args.users, args.seconds)
    print(report(results))
    if any(result.errors for result in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
