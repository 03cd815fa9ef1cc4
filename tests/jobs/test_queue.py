"""The job queue (Huey): a periodic job fires once per period however many consumers run; per-tenant work fans
out as one task per tenant with its own retries and visible error; two consumers never send a mail twice."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import func, select

from core.app import create_app
from core.cli.main import cli
from core.db import cross_tenant, session, tenant_scope
from core.jobs.queue import run_task, tick
from core.mail.models import MAIL_QUEUED, MAIL_SENT, OutboxMessage
from tests.jobs import tenant_job_plugin

NOON = datetime(2026, 12, 7, 12, 0, 30, tzinfo=UTC)


@pytest.fixture
def app_plugins():
    return [tenant_job_plugin]


def drain(app) -> int:
    """Run every task waiting in the queue, as one consumer would (Huey logs a task's error and schedules its
    retry); returns how many ran."""
    huey = app.extensions["abonent.queue"]
    ran = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        ran += 1
    return ran


def test_a_periodic_job_is_started_once_per_period_however_many_consumers_tick(app):
    huey = app.extensions["abonent.queue"]
    with app.app_context():
        first = tick(NOON)
        second = tick(NOON + timedelta(seconds=20))  # another consumer's scheduler, same minute
        assert "core.mail.deliver" in first and "tickjob.tick" in first
        assert second == []
        assert huey.pending_count() == len(first)
        next_minute = tick(NOON + timedelta(minutes=1))
    every_minute = sorted(name for name, job in app.extensions["abonent.jobs"].items() if job.every_seconds <= 60)
    assert "core.mail.deliver" in every_minute and "isp.charge" not in every_minute
    assert sorted(next_minute) == every_minute  # a new minute: the per-minute jobs again, the hourly ones not


def test_per_tenant_work_fans_out_and_a_failing_tenant_fails_alone_with_a_visible_error(
    app, make_tenant, enable_plugin
):
    for slug in ("alpha", "broken", "gamma"):
        enable_plugin(make_tenant(slug), "tickjob")
    huey = app.extensions["abonent.queue"]
    with app.app_context():
        assert run_task("tickjob.tick", None, NOON) == {"tenants": 3}
    assert huey.pending_count() == 3  # one task per tenant
    assert drain(app) == 3
    assert huey.scheduled_count() == 1  # only the broken tenant's task is tried again later

    status = CliRunner().invoke(cli, ["jobs", "status"], obj=ScriptInfo(create_app=lambda: app))
    assert status.exit_code == 1
    lines = status.output.splitlines()
    assert any(line.startswith("tickjob.tick [alpha]: ok") for line in lines)
    assert any(line.startswith("tickjob.tick [broken]: FAILED") and "RuntimeError" in line for line in lines)
    assert any(line.startswith("tickjob.tick [gamma]: ok") for line in lines)


def test_two_consumers_never_send_the_same_mail_twice(app, app_config, make_tenant, smtp_server, redis_url, tmp_path):
    tenants = [make_tenant(f"mail-{n}") for n in range(3)]
    with app.app_context():
        for n in range(60):
            tenant = tenants[n % 3]
            with tenant_scope(tenant.id):
                session.add(OutboxMessage(to=f"user{n}@example.org", subject=f"message {n}", body_text="hello"))
                session.commit()

    queue_url = redis_url.rsplit("/", 1)[0] + "/13"
    redis.Redis.from_url(queue_url).flushdb()
    env = {
        **os.environ,
        "ABONENT_DATABASE_URL": app_config["DATABASE_URL"],
        "ABONENT_SECRET_KEY": app.config["SECRET_KEY"],
        "ABONENT_INSTANCE_PATH": str(tmp_path / "instance"),
        "ABONENT_REDIS_URL": queue_url,
        "ABONENT_SMTP_URL": smtp_server.url,
    }
    producer = create_app({**app_config, "REDIS_URL": queue_url})
    with producer.app_context():
        for _ in range(8):  # as if many ticks and operator actions asked for delivery at once
            producer.extensions["abonent.queue"].abonent_job("core.mail.deliver", None, None)

    abonent = Path(sys.executable).with_name("abonent")
    consumers = [
        subprocess.Popen(
            [str(abonent), "jobs", "worker", "--workers", "3"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        deadline = time.monotonic() + 90
        while True:
            with app.app_context(), cross_tenant():
                waiting = session.scalar(
                    select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == MAIL_QUEUED)
                )
                session.rollback()
            if waiting == 0:
                break
            for consumer in consumers:
                assert consumer.poll() is None, consumer.stderr.read()
            assert time.monotonic() < deadline, f"{waiting} mails still queued"
            time.sleep(0.2)
    finally:
        for consumer in consumers:
            consumer.terminate()
        for consumer in consumers:
            consumer.wait(30)

    subjects = sorted(str(message["Subject"]) for message in smtp_server.messages)
    assert subjects == sorted(f"message {n}" for n in range(60))  # each exactly once
    with app.app_context(), cross_tenant():
        assert session.scalar(select(func.count()).where(OutboxMessage.status == MAIL_SENT)) == 60


def test_work_a_request_hands_over_is_queued_at_commit_and_forgotten_on_rollback(app, make_tenant):
    from core.payments.uploads import IMPORT_JOB_NAME, queue_upload

    tenant = make_tenant("handover")
    huey = app.extensions["abonent.queue"]
    with app.app_context(), tenant_scope(tenant.id):
        queue_upload(b"1;2;3\n", "registry.txt", "operator")
        session.rollback()
        assert huey.pending_count() == 0  # nothing to import: nothing queued
        queue_upload(b"1;2;3\n", "registry.txt", "operator")
        session.commit()
    assert huey.pending_count() == 1
    assert huey.dequeue().args[0] == IMPORT_JOB_NAME  # a consumer starts the import within a second
