"""Words for posted penalties in the money history and the receipt (with the ``operation_title`` hook)."""

from __future__ import annotations

from flask_babel import gettext

from core.api import Operation
from plugins.housing.penalties.debts import PENALTY_KIND


def penalty_title(operation: Operation) -> str | None:
    """ "Penalty for late payment" (a recalculation when it gives money back); ``None`` for other lines."""
    if operation.kind != PENALTY_KIND:
        return None
    return gettext("Penalty for late payment") if operation.amount < 0 else gettext("Penalty recalculated")
