"""Recording audit events. Call :func:`record` in the same transaction as the change it describes."""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context, request

from core.audit.models import AuditEvent
from core.db import session


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
