"""Login throttling is shared by worker processes: failures on one count on the other."""

import pytest

from core.testing.live import Browser, start_server


@pytest.fixture
def workers(app, app_config, tmp_path):
    env = {"ABONENT_DATABASE_URL": app_config["DATABASE_URL"], "ABONENT_SECRET_KEY": app_config["SECRET_KEY"]}
    servers = [start_server(env, tmp_path / f"w{i}") for i in range(2)]
    yield servers
    for server in servers:
        server.stop()


def test_failures_on_two_workers_add_up_to_one_lock(app, make_tenant, make_user, workers):
    tenant = make_tenant("isp", login_identifier="contract")
    user = make_user(tenant, "555", password="Right-pass-1")
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for attempt in range(limit):
        server = workers[attempt % 2]
        status, page = Browser().submit(f"{server.base}/t/isp/login", {"login": user.login, "password": "wrong"})
        assert status == 401
    # Locked now, on both workers, even with the right password.
    for server in workers:
        status, page = Browser().submit(f"{server.base}/t/isp/login", {"login": user.login, "password": "Right-pass-1"})
        assert status == 401
        assert "attempts" in page or "попыток" in page


def test_below_the_limit_the_right_password_still_works(app, make_tenant, make_user, workers):
    tenant = make_tenant("isp", login_identifier="contract")
    user = make_user(tenant, "555", password="Right-pass-1")
    for attempt in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] - 1):
        Browser().submit(f"{workers[attempt % 2].base}/t/isp/login", {"login": "555", "password": "wrong"})
    status, _ = Browser().submit(f"{workers[0].base}/t/isp/login", {"login": user.login, "password": "Right-pass-1"})
    assert status == 302
