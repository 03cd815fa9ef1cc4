"""Titles of the isp plugin's lines in the money history (the ``operation_title`` hook), in the viewer's language.

Built from the line's kind, service and ``meta``, never from the English ``memo`` meant for staff.
"""

from __future__ import annotations

from flask_babel import gettext

from core.api import Operation, Tenant, day_title

PROMISE = "promise"  # plugins.isp.promise.service.KIND
PROMISE_FEE = "promise_fee"
FREEZE_FEE = "freeze"
TARIFF_CHANGE_FEE = "tariff_change"


def _promise_until(tenant: Tenant, operation: Operation) -> str | None:
    """The promise's last day as words: from ``meta["until"]`` or, for lines posted before it was kept, the row."""
    if operation.meta.get("until"):
        return day_title(operation.meta["until"])
    if not operation.meta.get("promise"):
        return None
    from core.api import session
    from plugins.isp.common.calendar import tenant_zone
    from plugins.isp.models import Promise

    promise = session.get(Promise, operation.meta["promise"])
    if promise is None:
        return None
    return day_title(promise.due_at.astimezone(tenant_zone(tenant)).date().isoformat())


def isp_title(tenant: Tenant, operation: Operation) -> str | None:
    """The words for an isp line, or ``None`` when it is not one of the plugin's own."""
    if operation.kind == PROMISE:
        if operation.amount < 0:
            return gettext("Promised payment returned")
        until = _promise_until(tenant, operation)
        return gettext("Promised payment until %(day)s", day=until) if until else gettext("Promised payment")
    if operation.service == PROMISE_FEE:
        return gettext("Promised payment fee")
    if operation.service == FREEZE_FEE:
        return gettext("Voluntary block fee")
    if operation.service == TARIFF_CHANGE_FEE:
        tariff = operation.meta.get("tariff")
        if operation.kind == "correction":
            return gettext("Tariff change fee returned")
        return gettext("Tariff change fee: «%(tariff)s»", tariff=tariff) if tariff else gettext("Tariff change fee")
    if operation.kind == "charge":
        return gettext("Subscription fee")
    return None
