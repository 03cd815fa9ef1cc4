"""Two app servers behind HAProxy, over PostgreSQL through PgBouncer in transaction pooling.

The subscriber logs in through the balancer and keeps the session while requests alternate between the servers;
payment notifications arrive through the balancer (some twice) while one server (master and workers) is killed
mid-traffic; the gateway repeats a notification left unanswered, as PayKeeper does. No session is lost, no payment
is lost or doubled, and ``abonent ledger check`` passes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from core.testing.fixtures import APP_ROLE
from core.testing.live import Browser, free_port
from tests.payments.test_paykeeper import SECRET, make_world

pytestmark = pytest.mark.skipif(
    not os.environ.get("ABONENT_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="the multi-server shape is PostgreSQL's (run with ABONENT_TEST_DATABASE_URL)",
)


def wait_for(url: str, process: subprocess.Popen, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        assert process.poll() is None, f"{what} exited: {process.stderr.read() if process.stderr else ''}"
        assert time.monotonic() < deadline, f"{what} did not become ready"
        time.sleep(0.1)


def wait_for_port(port: int, process: subprocess.Popen, what: str, timeout: float = 30) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert process.poll() is None, f"{what} exited: {process.stderr.read() if process.stderr else ''}"
            assert time.monotonic() < deadline, f"{what} did not listen"
            time.sleep(0.1)


@pytest.fixture
def public_dir():
    """A folder the unprivileged PgBouncer user can read (pytest's own temp folders are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="abonent-multiserver-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pgbouncer(abonent_database, public_dir):
    """PgBouncer in transaction pooling in front of the test database; yields its port."""
    binary = shutil.which("pgbouncer")
    assert binary, "pgbouncer is not installed (.ci/run installs Debian's pgbouncer)"
    database = make_url(abonent_database.owner_url).database
    port = free_port()
    config = public_dir / "pgbouncer.ini"
    config.write_text(
        f"[databases]\n{database} = host=127.0.0.1 port=5432 dbname={database} user={APP_ROLE}\n\n"
        f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        "auth_type = any\npool_mode = transaction\ndefault_pool_size = 10\nmax_client_conn = 200\n"
        f"logfile = {public_dir / 'pgbouncer.log'}\n"
    )
    config.chmod(0o644)
    command = [binary, str(config)]
    if os.geteuid() == 0:
        command[1:1] = ["-u", "nobody"]  # PgBouncer refuses to run as root
        log = public_dir / "pgbouncer.log"
        log.touch()
        log.chmod(0o666)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wait_for_port(port, process, "pgbouncer")
    yield port
    process.kill()
    process.wait(10)


def start_app_server(env: dict[str, str], port: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return subprocess.Popen(
        [str(gunicorn), "-w", "2", "-b", f"127.0.0.1:{port}", "--graceful-timeout", "1", "core.app:create_app()"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: killing the server kills the master and its workers
    )


def kill_server(server: subprocess.Popen) -> None:
    """The machine dies: the gunicorn master and every worker go at once (``kill -9`` of the process group)."""
    os.killpg(server.pid, signal.SIGKILL)
    server.wait(10)


def haproxy_config(port: int, servers: list[int]) -> str:
    lines = [
        "global\n    maxconn 256\n",
        "defaults\n    mode http\n    timeout connect 2s\n    timeout client 30s\n    timeout server 30s\n"
        "    timeout check 10s\n    retries 3\n    option redispatch 1\n"
        "    retry-on conn-failure empty-response response-timeout\n",
        f"frontend site\n    bind 127.0.0.1:{port}\n    default_backend app\n",
        "backend app\n    balance roundrobin\n    option httpchk GET /readyz\n"
        "    http-response set-header X-Served-By %s\n",
    ]
    lines += [f"    server app{n} 127.0.0.1:{p} check inter 300ms fall 2 rise 1\n" for n, p in enumerate(servers)]
    return "".join(lines)


def notification(payment_id: str, kopecks: int, account: str) -> dict[str, str]:
    total = f"{kopecks // 100}.{kopecks % 100:02d}"
    key = hashlib.md5(f"{payment_id}{total}{account}{SECRET}".encode()).hexdigest()
    return {"id": payment_id, "sum": total, "clientid": account, "orderid": "", "key": key}


def post(url: str, data: dict[str, str]) -> tuple[int, str]:
    body = urllib.parse.urlencode(data).encode()
    try:
        with urllib.request.urlopen(url, data=body, timeout=30) as response:
            return response.status, response.headers.get("X-Served-By", "")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("X-Served-By", "")


def deliver(url: str, data: dict[str, str], attempts: int = 3) -> list[tuple[int, str]]:
    """Send a notification the way the gateway does: repeat it until the answer is 200 (PayKeeper retries an
    unanswered notification); every answer, in order."""
    answers = [post(url, data)]
    while answers[-1][0] != 200 and len(answers) < attempts:
        answers.append(post(url, data))
    return answers


def test_two_servers_behind_a_balancer_lose_no_session_and_no_payment(
    app, abonent_database, make_tenant, make_user, pgbouncer, public_dir
):
    world = make_world(app, make_tenant, make_user, slug="balanced", number="5001")
    database = make_url(abonent_database.app_url)
    through_bouncer = database.set(host="127.0.0.1", port=pgbouncer).render_as_string(hide_password=False)
    env = {
        **os.environ,
        "ABONENT_DATABASE_URL": through_bouncer,
        "ABONENT_DATABASE_POOLER": "pgbouncer",
        "ABONENT_SECRET_KEY": app.config["SECRET_KEY"],
        "ABONENT_INSTANCE_PATH": str(public_dir / "instance"),
        "ABONENT_TRUSTED_PROXIES": "1",
    }
    ports = [free_port(), free_port()]
    servers = [start_app_server(env, port) for port in ports]
    balancer_port = free_port()
    config = public_dir / "haproxy.cfg"
    config.write_text(haproxy_config(balancer_port, ports))
    balancer = subprocess.Popen(
        ["haproxy", "-db", "-f", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    site = f"http://127.0.0.1:{balancer_port}/t/balanced"
    try:
        for server, port in zip(servers, ports, strict=True):
            wait_for(f"http://127.0.0.1:{port}/readyz", server, "gunicorn")
        wait_for(f"http://127.0.0.1:{balancer_port}/healthz", balancer, "haproxy")

        browser = Browser()
        status, _page = browser.submit(f"{site}/login", {"login": "5001", "password": "Secret-pass-1"})
        assert status == 302
        served_by = set()
        for _ in range(6):
            with browser.opener.open(f"{site}/", timeout=30) as response:
                assert response.status == 200  # not sent back to the login page: the session holds
                served_by.add(response.headers["X-Served-By"])
        assert served_by == {"app0", "app1"}  # the requests alternated between the servers

        notify = f"{site}/payments/paykeeper/notify"
        deliveries = []
        for n in range(40):
            if n == 15:
                kill_server(servers[0])  # one server dies mid-traffic
            payment = notification(f"7{n:07d}", 10000 + n, world.account_number)
            deliveries.append(deliver(notify, payment))
            if n % 4 == 0:
                deliveries.append(deliver(notify, payment))  # the gateway repeats some notifications
        undelivered = [(n, answers) for n, answers in enumerate(deliveries) if answers[-1][0] != 200]
        assert not undelivered, undelivered
        retried = [(n, answers) for n, answers in enumerate(deliveries) if len(answers) > 1]
        assert len(retried) <= 1, retried  # at most the one request the dying server was answering
        last = [answers[-1][1] for answers in deliveries[-10:]]
        assert set(last) == {"app1"}  # the dead one is out of rotation

        with browser.opener.open(f"{site}/", timeout=30) as response:
            assert response.status == 200 and "/login" not in response.url  # still logged in
    finally:
        balancer.terminate()
        for server in servers:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
        for process in (balancer, *servers):
            process.wait(30)

    from core.accounts.models import PersonalAccount
    from core.db import session, tenant_scope
    from core.ledger.models import LedgerTransaction
    from core.ledger.service import check

    with app.app_context(), tenant_scope(world.tenant.id):
        paid = session.scalar(
            select(func.count())
            .select_from(LedgerTransaction)
            .where(LedgerTransaction.idempotency_key.like("paykeeper:%"))
        )
        balance = session.get(PersonalAccount, world.account_id).balance
        problems = check()
    assert paid == 40  # every payment once: none lost, none doubled
    assert balance == sum(10000 + n for n in range(40))
    assert problems == []
    checked = subprocess.run(
        [str(Path(sys.executable).with_name("abonent")), "ledger", "check"],
        env={**env, "ABONENT_DATABASE_URL": abonent_database.owner_url, "ABONENT_DATABASE_POOLER": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    assert "balanced: ok" in checked.stdout
