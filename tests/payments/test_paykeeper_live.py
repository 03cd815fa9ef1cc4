"""PayKeeper against real ``abonent serve`` processes: the sandbox's HTTP round trip, and concurrency.

The concurrency tests run on PostgreSQL only (real row locks between processes and threads); the
sandbox round trip runs on both databases.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

from core.testing.live import Browser, start_server
from tests.payments.test_paykeeper import SECRET, books, configure, make_world, md5, new_order, signed

THREADS = 20


@pytest.fixture
def servers(app, app_config, tmp_path):
    """Two server processes on the test database (each one threaded, like the demo)."""
    env = {"ABONENT_DATABASE_URL": app_config["DATABASE_URL"], "ABONENT_SECRET_KEY": app_config["SECRET_KEY"]}
    started = []
    try:
        for i in range(2):
            started.append(start_server(env, tmp_path / f"server-{i}"))
        yield started
    finally:
        for server in started:
            server.stop()


@pytest.fixture
def postgres_only(abonent_database):
    if abonent_database.dialect != "postgresql":
        pytest.skip("real row-lock concurrency is PostgreSQL's (run with ABONENT_TEST_DATABASE_URL)")


def post(url: str, fields: dict[str, str]) -> tuple[int, str]:
    """One HTTP POST with a client of its own (no shared connection, no proxy)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    body = urllib.parse.urlencode(fields).encode()
    try:
        with opener.open(url, data=body, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def all_at_once(jobs: list[tuple[str, dict[str, str]]]) -> list[tuple[int, str]]:
    """Send every ``(url, fields)`` from its own thread, released together."""
    results: list[tuple[int, str] | BaseException | None] = [None] * len(jobs)
    start = threading.Barrier(len(jobs))

    def run(index: int, url: str, fields: dict[str, str]) -> None:
        try:
            start.wait(timeout=30)
            results[index] = post(url, fields)
        except BaseException as error:  # reported by the assertion below
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, *job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(isinstance(r, tuple) for r in results), results
    return results  # type: ignore[return-value]


def test_sandbox_round_trip_through_a_real_server(app, make_tenant, make_user, servers):
    from core.accounts.models import PersonalAccount
    from core.db import session, tenant_scope
    from core.payments.paykeeper import start_card_payment

    world = make_world(app, make_tenant, make_user, sandbox=True)
    server = servers[0]
    site = f"{server.base}/t/{world.tenant.slug}"
    with app.test_request_context("/", base_url=site), tenant_scope(world.tenant.id):
        payment, pay_url = start_card_payment(session.get(PersonalAccount, world.account_id), 150_000)
        order = payment.order_id
        session.commit()
    # The link is built from the test app's configured address; the server serves the same path.
    assert pay_url == f"{app.config['BASE_URL']}/t/{world.tenant.slug}/payments/sandbox/{order}"
    pay_url = f"{site}/payments/sandbox/{order}"

    browser = Browser()
    status, _ = browser.submit(f"{site}/login", {"login": world.subscriber.login, "password": "Secret-pass-1"})
    assert status == 302
    status, page = browser.request(pay_url)
    assert status == 200 and "5001" in page
    status, _ = browser.submit(pay_url, {})  # the Pay button: the server notifies itself over HTTP
    assert status == 302

    state = books(app, world)
    assert state.balance == 150_000
    assert state.statuses == {order: "posted"}
    assert [(outcome, remote) for outcome, _reason, _payload, remote in state.log] == [("posted", "127.0.0.1")]
    assert state.problems == []
    status, page = browser.request(f"{site}/payments/return/{order}")
    assert status == 200 and f'href="/t/{world.tenant.slug}/payments/return/{order}"' not in page


def test_twenty_copies_of_one_notification_post_once(postgres_only, app, make_tenant, make_user, servers):
    world = make_world(app, make_tenant, make_user)
    order = new_order(app, world, 99_999)
    fields = signed("70000001", "999.99", "5001", order)
    urls = [f"{server.base}/t/{world.tenant.slug}/payments/paykeeper/notify" for server in servers]

    results = all_at_once([(urls[i % len(urls)], fields) for i in range(THREADS)])

    assert results == [(200, "OK " + md5("70000001" + SECRET))] * THREADS
    state = books(app, world)
    assert (state.balance, state.transactions) == (99_999, 1)
    outcomes = sorted(entry[0] for entry in state.log)
    assert outcomes == ["duplicate"] * (THREADS - 1) + ["posted"]
    assert state.problems == []


def test_twenty_different_payments_to_one_account_add_up(postgres_only, app, make_tenant, make_user, servers):
    world = make_world(app, make_tenant, make_user)
    amounts = [10_000 + 137 * i for i in range(THREADS)]
    orders = [new_order(app, world, amount) for amount in amounts]
    urls = [f"{server.base}/t/{world.tenant.slug}/payments/paykeeper/notify" for server in servers]
    jobs = []
    for i, (order, amount) in enumerate(zip(orders, amounts, strict=True)):
        total = f"{amount // 100}.{amount % 100:02d}"
        jobs.append((urls[i % len(urls)], signed(f"8000{i:04d}", total, "5001", order)))

    results = all_at_once(jobs)

    assert [status for status, _ in results] == [200] * THREADS
    state = books(app, world)
    assert state.balance == sum(amounts)
    assert state.transactions == THREADS
    assert set(state.statuses.values()) == {"posted"}
    assert [entry[0] for entry in state.log] == ["posted"] * THREADS
    assert state.problems == []


def test_notification_refused_by_a_real_server_is_plain_text(app, make_tenant, make_user, servers):
    world = make_world(app, make_tenant, make_user)
    configure(app, world.tenant, enabled=True)
    order = new_order(app, world, 10_000)
    fields = signed("1", "100.00", "5001", order)
    fields["key"] = "f" * 32
    status, body = post(f"{servers[1].base}/t/{world.tenant.slug}/payments/paykeeper/notify", fields)
    assert (status, body) == (403, "bad key")
    assert books(app, world).balance == 0
