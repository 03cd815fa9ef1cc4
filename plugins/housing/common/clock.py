"""Housing's "today": the calendar day at the tenant's location, never the server's or UTC's.

The reading window (20th–25th by default; after it a reading counts for next month), the reminders, an expired
verification and the month a page opens on all turn on the day the resident lives in: at 23:30 UTC on the 25th
it is already the 26th in Moscow. The moment comes from :func:`core.api.utcnow`, the day from the tenant's clock
(:meth:`core.api.Tenant.today`).
"""

from __future__ import annotations

from datetime import date

from core.api import current_tenant, utcnow


def today() -> date:
    """The current tenant's calendar day now."""
    return current_tenant().today(utcnow())
