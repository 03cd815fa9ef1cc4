"""Recording audit events. Call :func:`record` in the same transaction as the change it describes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import g, has_request_context, request

from core.audit.models import AuditEvent
from core.db import session, utcnow
from core.db.bulk import insert_rows


def _actor() -> tuple[int | None, str]:
    if not has_request_context():
        return None, "system (cli)"
    principal = g.get("principal")
    if principal is None:
        return None, "anonymous"
    return principal.id, principal.login


def record(
    action: str,
    object_type: str = "",
    object_id: Any = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    *,
    tenant_id: int | None = None,
    actor: str | None = None,
) -> AuditEvent:
    """Add an audit event for the current actor (the logged-in user, or the CLI) to the session.

    ``tenant_id`` defaults to the current tenant; pass it for platform actions on another tenant.
    """
    actor_id, actor_label = _actor()
    event = AuditEvent(
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=before,
        after=after,
        actor_user_id=actor_id,
        actor=actor or actor_label,
        ip=(request.remote_addr or "") if has_request_context() else "",
    )
    if tenant_id is not None:
        event.tenant_id = tenant_id
    session.add(event)
    return event


def record_many(
    action: str,
    object_type: str,
    changes: Iterable[tuple[Any, dict[str, Any] | None, dict[str, Any] | None]],
) -> int:
    """:func:`record` for many objects at once: one ``(object id, before, after)`` each, one statement for all.

    For set-based changes (a registry chunk unblocking hundreds of contracts): the events are written
    with :func:`core.db.bulk.insert_rows` in the current tenant and transaction, with the same actor and
    moment, and no object each. Returns how many were recorded. Example::

        audit_many("isp.unblock", "contract", [(c.number, None, {"balance": c.balance}) for c in unblocked])
    """
    actor_id, actor_label = _actor()
    ip = (request.remote_addr or "") if has_request_context() else ""
    at = utcnow()
    return insert_rows(
        AuditEvent.__table__,
        ("at", "actor_user_id", "actor", "action", "object_type", "object_id", "before", "after", "ip"),
        [
            (at, actor_id, actor_label, action, object_type, str(object_id), before, after, ip)
            for object_id, before, after in changes
        ],
    )
