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
from core.payments.agent import admin_pages as _payment_agent_pages  # noqa: F401

__all__ = ["blueprint"]
