"""E-mail notifications over a real SMTP server that goes down and comes back: nothing lost, nothing doubled."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from core.db import cross_tenant, session, utcnow
from core.jobs.registry import run_job
from core.mail import outbox
from core.mail.models import MAIL_QUEUED, MAIL_SENT, OutboxMessage


@pytest.fixture
def app_config(app_config, smtp_server):
    return {**app_config, "SMTP_URL": smtp_server.url}


class Clock:
    """The outbox's clock, moved by the test instead of waiting for the back-off."""

    def __init__(self) -> None:
        self.now = utcnow()

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(outbox, "utcnow", lambda: clock.now)
    return clock


def _deliver(app, clock) -> dict[str, int]:
    return run_job(app, "core.mail.deliver", now=clock.now)


def _rows(app) -> list[OutboxMessage]:
    with app.app_context(), cross_tenant():
        rows = session.query(OutboxMessage).order_by(OutboxMessage.id).all()
        session.expunge_all()
    return rows


def test_notifications_wait_while_smtp_is_down_and_arrive_once_when_it_is_back(
    app, isp, make_user, smtp_server, send, clock
):
    users = [make_user(isp, f"1003{i:02d}", email=f"user{i}@example.com") for i in range(3)]
    smtp_server.stop()
    for i, user in enumerate(users):
        send(isp, user, "payment_received", f"Платёж {i} зачислен", dedupe_key=f"payment:{i}")
    send(isp, users[0], "low_balance", "Баланс ниже 100 ₽")
    send(isp, users[0], "payment_received", "Платёж 0 зачислен", dedupe_key="payment:0")  # the same event again
    clock.now = utcnow()
    assert [r.status for r in _rows(app)] == [MAIL_QUEUED] * 4

    # Server down: every message is tried, kept queued and scheduled for a retry with back-off.
    assert _deliver(app, clock) == {"sent": 0, "retry": 4, "failed": 0, "kept": 0}
    rows = _rows(app)
    assert {(r.status, r.attempts) for r in rows} == {(MAIL_QUEUED, 1)}
    assert all(r.last_error and r.next_attempt_at == clock.now + outbox.RETRY_BASE for r in rows)
    assert _deliver(app, clock) == {"sent": 0, "retry": 0, "failed": 0, "kept": 0}  # not due yet: nothing is tried

    clock.advance(seconds=31)
    assert _deliver(app, clock)["retry"] == 4
    rows = _rows(app)
    assert {(r.status, r.attempts) for r in rows} == {(MAIL_QUEUED, 2)}
    assert all(r.next_attempt_at == clock.now + 2 * outbox.RETRY_BASE for r in rows)

    # Back up: nothing is sent before the retry is due, then everything at once, and only once.
    smtp_server.start()
    assert _deliver(app, clock)["sent"] == 0 and smtp_server.messages == []
    clock.advance(seconds=61)
    assert _deliver(app, clock) == {"sent": 4, "retry": 0, "failed": 0, "kept": 0}
    assert _deliver(app, clock) == {"sent": 0, "retry": 0, "failed": 0, "kept": 0}
    clock.advance(hours=1)
    assert _deliver(app, clock) == {"sent": 0, "retry": 0, "failed": 0, "kept": 0}

    received = Counter(str(m["To"]) for m in smtp_server.messages)
    assert received == {"user0@example.com": 2, "user1@example.com": 1, "user2@example.com": 1}
    assert sorted(str(m["Subject"]) for m in smtp_server.messages) == [
        "Баланс ниже 100 ₽",
        "Платёж 0 зачислен",
        "Платёж 1 зачислен",
        "Платёж 2 зачислен",
    ]
    assert len({m["Message-ID"] for m in smtp_server.messages}) == 4
    assert {(r.status, r.attempts) for r in _rows(app)} == {(MAIL_SENT, 3)}
    assert all(r.sent_at is not None for r in _rows(app))
