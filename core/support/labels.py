"""Words for ticket statuses and overdue marks, translated where they are shown.

Status words carry the ``ticket`` context: in Russian they agree with «обращение», which another
feature's "new" or "closed" need not do.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext, pgettext

TICKET_STATUS_LABELS: dict[str, Callable[[], str]] = {
    "new": lambda: pgettext("ticket", "new"),
    "in_progress": lambda: pgettext("ticket", "in progress"),
    "waiting": lambda: pgettext("ticket", "waiting for your answer"),
    "resolved": lambda: pgettext("ticket", "resolved"),
    "closed": lambda: pgettext("ticket", "closed"),
    "declined": lambda: pgettext("ticket", "declined"),
}
# Operators see "waiting" from their side of the conversation.
STAFF_STATUS_LABELS: dict[str, Callable[[], str]] = {
    **TICKET_STATUS_LABELS,
    "waiting": lambda: pgettext("ticket", "waiting for the subscriber"),
}
OVERDUE_LABELS: dict[str, Callable[[], str]] = {
    "response": lambda: gettext("Overdue: no reply yet"),
    "resolution": lambda: gettext("Overdue: not resolved in time"),
}


def ticket_status(code: str) -> str:
    """The subscriber-facing word for a ticket status."""
    label = TICKET_STATUS_LABELS.get(code)
    return label() if label is not None else code


def staff_ticket_status(code: str) -> str:
    """The operator-facing word for a ticket status."""
    label = STAFF_STATUS_LABELS.get(code)
    return label() if label is not None else code


def overdue_label(kind: str | None) -> str:
    label = OVERDUE_LABELS.get(kind or "")
    return label() if label is not None else ""
