"""``python -m bench.load.pages [--db sqlite|postgres|both] [--seconds 20] [--users 8]``: the cost of each page.

For each database the demo is set up; then, in the same run and under the same gunicorn settings, a bare Flask route
and each main page of the УралСеть site are reloaded by N client threads (closed loop: each sends its next request
when the last one is answered; logins and a warm-up are not measured): the subscriber 200101's dashboard, balance,
history, services and support, and the operator's support queue. For each it prints requests/s and that as a share
of the bare route's, p50/p99, and the CPU milliseconds per request spent by the server (gunicorn's master and
workers) plus, on PostgreSQL, the database's backends serving it — the steadier figure on a shared machine, since it
hardly moves with other programs' load. Targets (issue #11): the dashboard ≥ 20 % of the bare route's requests/s,
every other page ≥ 15 %; the command exits non-zero when one is missed or a request fails.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import requests
from sqlalchemy import create_engine, text

from bench.load.__main__ import POSTGRES_SERVER, drop, free_port, prepare, serve, stop, wait_ready

SITE = "/t/uralnet"
LOCK_TARGET_MS = 5  # the write lock a login may hold on SQLite
LOCKS: dict[str, tuple[float, float]] = {}  # db → (median, longest) ms of write lock per login
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SUBSCRIBER, OPERATOR = "200101:demo-isp-ok-1", "operator:demo-operator-1"

#: (label, path under the site, login, target share of the bare route's requests/s)
PAGES = (
    ("dashboard", "/", SUBSCRIBER, 0.20),
    ("balance", "/money/", SUBSCRIBER, 0.15),
    ("history", "/money/history", SUBSCRIBER, 0.15),
    ("services", "/isp/", SUBSCRIBER, 0.15),
    ("support", "/support/", SUBSCRIBER, 0.15),
    ("operator queue", "/admin/support/", OPERATOR, 0.15),
)


@dataclass
class Measured:
    db: str
    label: str
    rps: float
    p50: float
    p99: float
    requests: int
    errors: int
    cpu_ms: float  # per request: server + database
    target: float | None = None


class CpuMeter:
    """CPU seconds used by a gunicorn process tree and, on PostgreSQL, by the backends connected to ``database``."""

    def __init__(self, server: subprocess.Popen, database: str | None) -> None:
        self.server, self.database = server, database

    def _processes(self) -> list[psutil.Process]:
        root = psutil.Process(self.server.pid)
        found = [root, *root.children(recursive=True)]
        if self.database:
            admin = create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                pids = conn.scalars(
                    text("SELECT pid FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()"),
                    {"name": self.database},
                ).all()
            admin.dispose()
            for pid in pids:
                with contextlib.suppress(psutil.Error):
                    found.append(psutil.Process(pid))
        return found

    def sample(self) -> dict[int, float]:
        seen = {}
        for process in self._processes():
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue
            seen[process.pid] = times.user + times.system
        return seen

    @staticmethod
    def spent(before: dict[int, float], after: dict[int, float]) -> float:
        return sum(max(0.0, cpu - before.get(pid, 0.0)) for pid, cpu in after.items())


def token(page: str) -> str:
    match = CSRF.search(page)
    return match.group(1) if match else ""


def logged_in(host: str, login: str | None) -> requests.Session:
    """A client with its cookies (logged in as ``login:password`` unless ``None``)."""
    client = requests.Session()
    if login:
        name, _, password = login.partition(":")
        form = client.get(f"{host}{SITE}/login").text
        client.post(f"{host}{SITE}/login", {"login": name, "password": password, "csrf_token": token(form)})
    return client


def drive(
    host: str, url: str, login: str | None, users: int, seconds: float, meter: CpuMeter | None = None
) -> tuple[list[float], int, float]:
    """``users`` clients reload ``url`` back to back for ``seconds``, logged in and warmed up beforehand; returns
    each request's latency (s), the failures and the CPU seconds ``meter`` saw while they ran (logins excluded)."""
    clients = [logged_in(host, login) for _ in range(users)]
    for client in clients:
        client.get(url)
    latencies: list[list[float]] = [[] for _ in clients]
    failures = [0] * users
    start = threading.Barrier(users + 1)
    deadline = [0.0]

    def run(n: int) -> None:
        start.wait()
        while (begun := time.perf_counter()) < deadline[0]:
            response = clients[n].get(url, allow_redirects=False)
            latencies[n].append(time.perf_counter() - begun)
            failures[n] += response.status_code != 200

    threads = [threading.Thread(target=run, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    before = meter.sample() if meter else {}
    deadline[0] = time.perf_counter() + seconds
    start.wait()
    for thread in threads:
        thread.join()
    spent = meter.spent(before, meter.sample()) if meter else 0.0
    return [x for part in latencies for x in part], sum(failures), spent


def measure(db, label, host, path, login, server, database, users, seconds, target=None) -> Measured:
    url = f"{host}{SITE}{path}" if login else f"{host}/"
    latencies, failures, spent = drive(host, url, login, users, seconds, CpuMeter(server, database))
    ordered = sorted(latencies)
    count = len(ordered)
    return Measured(
        db,
        label,
        count / seconds,
        1000 * ordered[count // 2] if count else 0.0,
        1000 * ordered[min(count - 1, int(count * 0.99))] if count else 0.0,
        count,
        failures,
        1000 * spent / max(count, 1),
        target,
    )


def drive_logins(host: str, login: str, users: int, seconds: float, meter: CpuMeter) -> Measured:
    """``users`` clients log in back to back (each time a fresh client: the form, then the POST) for ``seconds``."""
    name, _, password = login.partition(":")
    latencies: list[list[float]] = [[] for _ in range(users)]
    failures = [0] * users
    start = threading.Barrier(users + 1)
    deadline = [0.0]

    def run(n: int) -> None:
        start.wait()
        while (begun := time.perf_counter()) < deadline[0]:
            client = requests.Session()
            form = client.get(f"{host}{SITE}/login").text
            answer = client.post(
                f"{host}{SITE}/login",
                {"login": name, "password": password, "csrf_token": token(form)},
                allow_redirects=False,
            )
            latencies[n].append(time.perf_counter() - begun)
            failures[n] += answer.status_code != 302

    threads = [threading.Thread(target=run, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    before = meter.sample()
    deadline[0] = time.perf_counter() + seconds
    start.wait()
    for thread in threads:
        thread.join()
    spent = meter.spent(before, meter.sample())
    ordered = sorted(x for part in latencies for x in part)
    count = len(ordered)
    return Measured(
        "",
        "log in (form + POST)",
        count / seconds,
        1000 * ordered[count // 2] if count else 0.0,
        1000 * ordered[min(count - 1, int(count * 0.99))] if count else 0.0,
        count,
        sum(failures),
        1000 * spent / max(count, 1),
    )


def write_lock_per_login(env: dict[str, str], logins: int = 20) -> tuple[float, float]:
    """On SQLite: how long each login holds the write lock (``BEGIN IMMEDIATE`` … ``COMMIT``/``ROLLBACK``), in ms,
    summed per login; returns the median and the longest. In this process, with Flask's test client."""
    from sqlalchemy import event

    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        from core.app import create_app

        app = create_app()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    engine = app.extensions["abonent.db"].engine
    held: list[float] = []
    opened: dict[int, float] = {}

    def sent(conn, _cursor, statement, *_args) -> None:
        if statement.strip().upper() == "BEGIN IMMEDIATE":
            opened[id(conn)] = time.perf_counter()

    def ended(conn) -> None:
        began = opened.pop(id(conn), None)
        if began is not None:
            held.append(time.perf_counter() - began)

    event.listen(engine, "before_cursor_execute", sent)
    event.listen(engine, "commit", ended)
    event.listen(engine, "rollback", ended)
    name, _, password = SUBSCRIBER.partition(":")
    per_login = []
    for _ in range(logins):
        client = app.test_client()
        form = client.get(f"{SITE}/login").get_data(as_text=True)
        held.clear()
        answer = client.post(f"{SITE}/login", data={"login": name, "password": password, "csrf_token": token(form)})
        if answer.status_code != 302:
            raise RuntimeError(f"log in answered {answer.status_code}")
        per_login.append(1000 * sum(held))
    engine.dispose()
    per_login.sort()
    return per_login[len(per_login) // 2], per_login[-1]


def run_database(db: str, users: int, seconds: int) -> list[Measured]:
    folder = Path(tempfile.mkdtemp(prefix=f"abonent-pages-{db}-"))
    env, name = prepare(db, folder)
    results = []
    try:
        port = free_port()
        bare = serve("bench.load.bare_app:app", port, env)
        wait_ready(f"http://127.0.0.1:{port}/", bare)
        host = f"http://127.0.0.1:{port}"
        results.append(measure(db, "bare route", host, "/", None, bare, None, users, seconds))
        stop(bare)

        port = free_port()
        host = f"http://127.0.0.1:{port}"
        # Every client thread comes from 127.0.0.1: the per-address limit on anonymous form posts (60 a minute)
        # would refuse the logins being measured, and a refusal costs far less than a login.
        unlimited = {"ABONENT_ANONYMOUS_POST_LIMIT": "1000000 per minute"}
        server = serve("core.app:create_app()", port, {**env, **unlimited, "ABONENT_BASE_URL": host})
        wait_ready(f"{host}/readyz", server)
        for label, path, login, target in PAGES:
            results.append(measure(db, label, host, path, login, server, name, users, seconds, target))
        logins = drive_logins(host, SUBSCRIBER, users, seconds, CpuMeter(server, name))
        logins.db = db
        results.append(logins)
        stop(server)
        if db == "sqlite":
            LOCKS[db] = write_lock_per_login(env)
    finally:
        if name:
            drop(name)
        shutil.rmtree(folder, ignore_errors=True)
    return results


def report(results: list[Measured]) -> tuple[str, bool]:
    lines = [
        "| db | page | requests/s | share of bare | target | p50 ms | p99 ms | CPU ms/request | requests | errors |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    met = True
    bare = {r.db: r for r in results if r.label == "bare route"}
    for r in results:
        base = bare.get(r.db)
        share = r.rps / base.rps if base and base.rps else 0.0
        verdict = "—"
        if r.target is not None:
            ok = share >= r.target
            met &= ok
            verdict = f"≥ {r.target:.0%} {'PASS' if ok else 'FAIL'}"
        met &= r.errors == 0
        lines.append(
            f"| {r.db} | {r.label} | {r.rps:.1f} | {share:.1%} | {verdict} | {r.p50:.0f} | {r.p99:.0f} | "
            f"{r.cpu_ms:.2f} | {r.requests} | {r.errors} |"
        )
    for r in results:
        if r.label.startswith("log in") and r.cpu_ms:
            lines.append(f"\n{r.db}: {1000 / r.cpu_ms:.1f} logins per second per core (CPU {r.cpu_ms:.0f} ms a login)")
    for db, (median, longest) in LOCKS.items():
        ok = longest <= LOCK_TARGET_MS
        met &= ok
        lines.append(
            f"{db}: the write lock held per login: median {median:.2f} ms, longest {longest:.2f} ms "
            f"(target ≤ {LOCK_TARGET_MS} ms: {'PASS' if ok else 'FAIL'})"
        )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines.append(
        f"\n{os.cpu_count()} CPUs, load average {load} at the end (the client threads share the CPUs with the servers)."
    )
    return "\n".join(lines), met


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
    table, met = report(results)
    print(table)
    if not met:
        sys.exit(1)


if __name__ == "__main__":
    main()
