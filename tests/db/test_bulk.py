"""Bulk helpers (core.db.bulk.insert_rows, core.db.queries.one_of): rows read back as the ORM wrote them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import func, select

from core.audit.models import AuditEvent
from core.db import session, tenant_scope, utcnow
from core.db.bulk import insert_rows
from core.db.queries import one_of
from core.identity.models import User
from core.mail.models import MAIL_QUEUED, OutboxMessage
from core.notify.models import NotificationPreference

AWKWARD = 'quote " backslash \\ comma, braces {} NULL\nnew line, Ёлка ₽'


def test_rows_read_back_with_their_types_defaults_and_tenant(app, make_tenant, make_user):
    tenant = make_tenant("isp")
    other = make_tenant("other")
    user = make_user(tenant, "ann@example.com")
    moment = datetime(2026, 2, 1, 10, 30, 15, 123456, tzinfo=UTC)
    local = datetime(2026, 2, 1, 15, 0, tzinfo=timezone(timedelta(hours=5)))  # stored as 10:00 UTC
    with app.app_context(), tenant_scope(tenant.id):
        inserted = insert_rows(
            AuditEvent.__table__,
            ("at", "actor_user_id", "actor", "action", "object_id", "before", "after"),
            [
                (moment, None, AWKWARD, "test.one", "1", None, {"balance": -5, "text": AWKWARD}),
                (local, user.id, "", "test.two", "2", {"list": [1, None, True]}, None),
            ],
        )
        insert_rows(
            NotificationPreference.__table__,
            ("user_id", "kind", "in_app", "email"),
            [(user.id, "payment_received", False, True), (user.id, "news", True, False)],
        )
        insert_rows(
            OutboxMessage.__table__, ("to", "subject", "body_text", "body_html"), [("a@b.c", "S", AWKWARD, None)]
        )
        session.commit()
        assert inserted == 2
        ours = AuditEvent.action.startswith("test.")
        events = list(session.scalars(select(AuditEvent).where(ours).order_by(AuditEvent.object_id)))
        assert [(e.at, e.actor_user_id, e.actor, e.action, e.before, e.after, e.object_type) for e in events] == [
            (moment, None, AWKWARD, "test.one", None, {"balance": -5, "text": AWKWARD}, ""),
            (datetime(2026, 2, 1, 10, 0, tzinfo=UTC), user.id, "", "test.two", {"list": [1, None, True]}, None, ""),
        ]
        prefs = session.execute(
            select(NotificationPreference.kind, NotificationPreference.in_app, NotificationPreference.email).order_by(
                NotificationPreference.kind
            )
        ).all()
        assert [tuple(row) for row in prefs] == [("news", True, False), ("payment_received", False, True)]
        mail = session.scalar(select(OutboxMessage))
        # defaults filled in: the status, no attempts yet, due now
        assert (mail.body_text, mail.body_html, mail.status, mail.attempts, mail.last_error) == (
            AWKWARD,
            None,
            MAIL_QUEUED,
            0,
            "",
        )
        assert mail.next_attempt_at <= utcnow() and mail.created_at.tzinfo is not None  # due at once
    with app.app_context(), tenant_scope(other.id):  # the rows are the scoped tenant's
        assert session.scalar(select(func.count()).where(AuditEvent.action.startswith("test."))) == 0


def test_nothing_to_insert_is_no_statement(app, make_tenant):
    tenant = make_tenant("isp")
    with app.app_context(), tenant_scope(tenant.id):
        assert insert_rows(AuditEvent.__table__, ("action",), []) == 0


def test_one_of_finds_the_rows_of_a_long_list_of_ids_or_texts(app, make_tenant, make_user):
    tenant = make_tenant("isp")
    users = [make_user(tenant, f"u{n}@example.com") for n in range(5)]
    with app.app_context(), tenant_scope(tenant.id):
        wanted = [users[0].id, users[3].id, *range(10_000, 12_000)]  # most of them nobody's
        found = session.scalars(select(User.login).where(one_of(User.id, wanted)).order_by(User.login))
        assert list(found) == ["u0@example.com", "u3@example.com"]
        by_login = session.scalars(select(User.id).where(one_of(User.login, ["u1@example.com", 'x"y', AWKWARD])))
        assert list(by_login) == [users[1].id]
        assert list(session.scalars(select(User.id).where(one_of(User.id, [])))) == []
