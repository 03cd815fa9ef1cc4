"""Login throttling (finding 5 of issue #10): back-off per (tenant, IP) and per (tenant, account).

Strangers' failures must not lock the owner out, the per-IP counter must not span tenants, the page
says how long to wait, overlong logins are refused, and old counters are pruned.
"""

from datetime import timedelta

import pytest

import core.identity.throttle as throttle
from core.jobs.registry import run_job
from core.testing.fixtures import tenant_path

ATTACKER = {"REMOTE_ADDR": "203.0.113.9"}
OWNER = {"REMOTE_ADDR": "198.51.100.7"}


@pytest.fixture
def app_config(app_config):
    return {**app_config, "LOGIN_MAX_FAILURES_PER_ACCOUNT": 3, "LOGIN_MAX_FAILURES_PER_IP": 6}


@pytest.fixture
def isp(make_tenant):
    return make_tenant("isp", login_identifier="contract")


def _login(app, tenant, login, password, environ):
    return app.test_client().submit(
        tenant_path(tenant, "/login"), {"login": login, "password": password}, environ_base=environ
    )


def _fail(app, tenant, login, times, environ=ATTACKER):
    for _ in range(times):
        assert _login(app, tenant, login, "wrong-guess", environ).status_code == 401


def test_strangers_failures_do_not_lock_the_owner_out(app, isp, make_user):
    user = make_user(isp, "555", roles=("tenant_admin",))
    _fail(app, isp, "555", 5)
    assert _login(app, isp, "555", user.password, OWNER).status_code == 302


def test_the_guessing_ip_waits_and_is_told_how_long(app, isp, make_user):
    user = make_user(isp, "555")
    _fail(app, isp, "555", 3)
    page = _login(app, isp, "555", user.password, ATTACKER)
    assert page.status_code == 401
    assert "Попробуйте снова через 1 мин." in page.get_data(as_text=True)


def test_the_wait_doubles_with_each_further_failure(app, isp, make_user, monkeypatch):
    make_user(isp, "555")
    _fail(app, isp, "555", 3)
    real_now = throttle.utcnow
    for step in range(1, 4):  # let the back-off pass, then fail once more from another IP
        monkeypatch.setattr(throttle, "utcnow", lambda step=step: real_now() + timedelta(minutes=10 * step))
        _fail(app, isp, "555", 1, {"REMOTE_ADDR": "203.0.113.10"})
    page = _login(app, isp, "555", "wrong-guess", ATTACKER).get_data(as_text=True)
    assert "через 4 мин." in page  # 30 s, 1, 2, then 4 minutes


def test_an_ip_in_back_off_on_one_tenant_still_logs_in_to_another(app, isp, make_tenant, make_user):
    other = make_tenant("other", login_identifier="contract")
    user = make_user(other, "777")
    for n in range(6):
        _fail(app, isp, f"10{n}", 1)
    assert "Попробуйте снова" in _login(app, isp, "100", "x", ATTACKER).get_data(as_text=True)
    assert _login(app, other, "777", user.password, ATTACKER).status_code == 302


def test_overlong_api_login_is_refused_with_a_clear_error(app, isp, client):
    response = client.post(tenant_path(isp, "/api/v1/auth/login"), json={"login": "1" * 300, "password": "wrong-guess"})
    assert response.status_code == 422
    assert "login" in response.get_json()["errors"]


def test_counter_keys_are_bounded_whatever_the_login(app, isp):
    assert len(throttle.key(throttle.LOGIN_ACCOUNT, isp.id, "x" * 10_000)) < 80


def test_old_counters_are_pruned(app, isp, make_user):
    make_user(isp, "555")
    _fail(app, isp, "555", 2)
    from core.db import session
    from core.identity.models import LoginThrottle

    with app.app_context():
        assert session.query(LoginThrottle).count() == 2
    assert run_job(app, "core.identity.housekeeping", now=throttle.utcnow() + timedelta(days=1))["pruned"] == 2
    with app.app_context():
        assert session.query(LoginThrottle).count() == 0


def test_a_good_login_forgets_the_accounts_failures(app, isp, make_user):
    user = make_user(isp, "555")
    _fail(app, isp, "555", 2)
    assert _login(app, isp, "555", user.password, ATTACKER).status_code == 302  # the owner, from the same address
    _fail(app, isp, "555", 2)  # two more mistakes: two in a row, not four
    assert _login(app, isp, "555", user.password, ATTACKER).status_code == 302
