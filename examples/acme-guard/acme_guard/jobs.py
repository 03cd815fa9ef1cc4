"""acme_guard's periodic jobs (``abonent jobs run acme_guard.tidy``)."""

from __future__ import annotations

from acme_guard import service


def tidy(tenant, now) -> int:
    """Tidy this tenant's items; idempotent (a second run changes nothing)."""
    return service.tidy()
