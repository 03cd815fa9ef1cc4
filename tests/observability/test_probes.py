"""Health probes, request ids, JSON logs and the metrics an operator's monitoring reads."""

from __future__ import annotations

import json
import logging

from core.app import create_app
from core.observability.request_log import configure_logging


def test_readyz_checks_redis_when_it_is_configured(app_config, redis_url):
    ready = create_app({**app_config, "REDIS_URL": redis_url}).test_client().get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json() == {"status": "ok", "database": "ok", "redis": "ok"}
    down = create_app({**app_config, "REDIS_URL": "redis://127.0.0.1:1/0"}).test_client().get("/readyz")
    assert down.status_code == 503
    assert down.get_json() == {"status": "degraded", "database": "ok", "redis": "unavailable"}


def test_every_response_carries_a_request_id_and_a_sane_given_one_is_kept(app, client, make_tenant):
    make_tenant("ids")
    first = client.get("/t/ids/login").headers["X-Request-ID"]
    second = client.get("/t/ids/login").headers["X-Request-ID"]
    assert first and second and first != second
    given = client.get("/t/ids/login", headers={"X-Request-ID": "lb-7f3a9c01"})
    assert given.headers["X-Request-ID"] == "lb-7f3a9c01"
    hostile = client.get("/t/ids/login", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert hostile.headers["X-Request-ID"] != "<script>alert(1)</script>"
    assert len(hostile.headers["X-Request-ID"]) == 32


def test_json_log_lines_carry_request_id_tenant_and_user(app, make_tenant, make_user, login, capsys):
    tenant = make_tenant("logs")
    user = make_user(tenant, "logged@example.org", roles=("subscriber",))
    client = login(tenant, user)
    saved = logging.getLogger().handlers[:], logging.getLogger().level
    try:
        configure_logging("json")
        response = client.get("/t/logs/", headers={"X-Request-ID": "req-12345678"})
    finally:
        logging.getLogger().handlers = saved[0]
        logging.getLogger().setLevel(saved[1])
    assert response.status_code == 200
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "abonent.access" and line["request_id"] == "req-12345678"]
    assert len(access) == 1
    assert (access[0]["tenant"], access[0]["user"], access[0]["status"], access[0]["level"]) == (
        "logs",
        user.id,
        200,
        "INFO",
    )


def test_metrics_count_requests_by_route_and_tenant_and_are_private(app, client, make_tenant):
    make_tenant("counted")
    for _ in range(3):
        client.get("/t/counted/login")
    body = client.get("/metrics").get_data(as_text=True)
    login_lines = [
        line
        for line in body.splitlines()
        if line.startswith("abonent_http_requests_total{") and 'route="/login"' in line and 'status="200"' in line
    ]
    assert login_lines and float(login_lines[0].rsplit(" ", 1)[1]) >= 3
    assert 'abonent_tenant_requests_total{tenant="counted"}' in body
    assert "abonent_http_request_duration_seconds_bucket" in body

    outside = client.get("/metrics", environ_overrides={"REMOTE_ADDR": "8.8.8.8"})
    assert outside.status_code == 404


def test_metrics_with_a_token_answer_only_the_token(app_config):
    client = create_app({**app_config, "METRICS_TOKEN": "s3cret-token"}).test_client()
    assert client.get("/metrics").status_code == 404  # even from loopback: the token is the rule now
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
