"""Identity's periodic jobs (registered with core's jobs in :mod:`core.jobs.hooks`)."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from core.db import cross_tenant, session, tenant_scope
from core.identity import throttle
from core.identity.models import PasswordResetRequest
from core.identity.service import send_reset_mail
from core.tenants.models import Tenant


def housekeeping(now: datetime) -> dict[str, int]:
    """Delete throttle counters nobody needs any more. Idempotent."""
    pruned = throttle.prune(now)
    session.commit()
    return {"pruned": pruned}


def reset_mail(now: datetime, limit: int = 200) -> dict[str, int]:
    """Act on waiting password-reset requests: mail a link where the login exists, then drop the request.

    Each request is done in its own transaction, so one failure never holds up the others.
    """
    counts = {"mailed": 0, "unknown": 0, "failed": 0}
    with cross_tenant():
        pending = session.execute(
            select(PasswordResetRequest.id, PasswordResetRequest.tenant_id)
            .order_by(PasswordResetRequest.id)
            .limit(limit)
        ).all()
        session.commit()
    for request_id, tenant_id in pending:
        with tenant_scope(tenant_id):
            try:
                row = session.get(PasswordResetRequest, request_id)
                tenant = session.get(Tenant, tenant_id)
                if row is None or tenant is None:
                    continue
                counts["mailed" if send_reset_mail(tenant, row) else "unknown"] += 1
                session.delete(row)
                session.commit()
            except Exception:
                session.rollback()
                counts["failed"] += 1
                current_app.logger.exception("password reset request %s failed", request_id)
    return counts
