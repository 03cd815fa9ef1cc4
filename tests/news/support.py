"""Small helpers for the news and notification tests."""

from __future__ import annotations

from core.db import session, tenant_scope
from core.identity.models import User


def notices_of(app, tenant, user, kind: str | None = None):
    from core.notify.models import Notification

    with app.app_context(), tenant_scope(tenant.id):
        stmt = session.query(Notification).filter(Notification.user_id == user.id)
        if kind:
            stmt = stmt.filter(Notification.kind == kind)
        rows = stmt.order_by(Notification.id).all()
        session.expunge_all()
    return rows


def user_row(app, tenant, user) -> User:
    with app.app_context(), tenant_scope(tenant.id):
        row = session.get(User, user.id)
        session.expunge(row)
    return row
