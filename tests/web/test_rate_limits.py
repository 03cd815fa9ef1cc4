"""Anonymous form posts have one budget per address, shared by every app server through Redis."""

from __future__ import annotations

import hashlib

import pytest
import redis

from core.app import create_app
from core.testing.fixtures import tenant_path

LIMIT = "5 per minute"


@pytest.fixture
def shared_config(app_config, redis_url, request):
    """Two servers' config on one Redis database of the test's own (tests may run at once in other workers)."""
    database = 14 if "flood" in request.node.name else 15
    url = redis_url.rsplit("/", 1)[0] + f"/{database}"
    redis.Redis.from_url(url).flushdb()
    return {**app_config, "REDIS_URL": url, "ANONYMOUS_POST_LIMIT": LIMIT}


def server(config, client_class):
    app = create_app(config)
    app.test_client_class = client_class
    return app.test_client()


def wrong_login(client, tenant):
    return client.submit(tenant_path(tenant, "/login"), {"login": "nobody@example.org", "password": "wrong-password"})


def test_a_flood_spread_over_two_servers_is_refused_in_russian(app, shared_config, make_tenant):
    tenant = make_tenant("limited")
    first, second = server(shared_config, app.test_client_class), server(shared_config, app.test_client_class)
    answers = [wrong_login(first, tenant).status_code for _ in range(3)]
    answers += [wrong_login(second, tenant).status_code for _ in range(2)]
    assert 429 not in answers
    refused = wrong_login(first, tenant)
    assert refused.status_code == 429
    assert refused.headers.getlist("Retry-After") == ["60"]  # once, not once per layer
    page = refused.get_data(as_text=True)
    assert "Слишком много попыток" in page and "Traceback" not in page
    api = second.post(tenant_path(tenant, "/api/v1/auth/login"), json={"login": "x", "password": "y"})
    assert api.status_code == 429
    assert api.get_json()["code"] == 429 and api.get_json()["message"]
    assert len(api.headers.getlist("Retry-After")) == 1


def test_logged_in_staff_and_payment_gateways_are_never_counted(app, shared_config, make_tenant, make_user):
    tenant = make_tenant("office")
    operator = make_user(tenant, "op@example.org", roles=("operator",))
    client = server(shared_config, app.test_client_class)
    client.submit(tenant_path(tenant, "/login"), {"login": operator.login, "password": operator.password})
    for _ in range(8):  # a busy operator behind the office's one address
        assert (
            client.submit(
                tenant_path(tenant, "/notifications/read-all"), {}, form_url=tenant_path(tenant, "/notifications/")
            ).status_code
            != 429
        )
    gateway = server(shared_config, app.test_client_class)
    for n in range(8):
        key = hashlib.md5(f"{n}".encode()).hexdigest()
        answer = gateway.post(tenant_path(tenant, "/payments/paykeeper/notify"), data={"id": str(n), "key": key})
        assert answer.status_code != 429
