"""Importing this module registers every admin page on the ``admin`` blueprint."""

from core.admin import (  # noqa: F401
    account_pages,
    audit_pages,
    news_pages,
    plugin_pages,
    registry_pages,
    settings_pages,
    staff_pages,
    subscriber_pages,
    visit_pages,
)
from core.admin.blueprint import blueprint
from core.identity import contact_pages  # noqa: F401  (staff correct a subscriber's details)
from core.payments import day_pages  # noqa: F401  (payments of a day)
from core.visits import technician_pages  # noqa: F401  (a technician's own visits)

__all__ = ["blueprint"]
