"""Importing this module registers every admin page on the ``admin`` blueprint."""

from core.admin import audit_pages, plugin_pages, settings_pages, staff_pages, subscriber_pages  # noqa: F401
from core.admin.blueprint import blueprint

__all__ = ["blueprint"]
