"""Core's own navigation entries, contributed through ``menu_items`` like any plugin's."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.plugins.markers import hookimpl
from core.plugins.types import MenuItem
from core.settings.types import SettingsNamespace
from core.tenants.urls import SETTINGS as SITE_SETTINGS


@hookimpl(trylast=True)
def menu_items(tenant, user) -> list[MenuItem]:
    if user is None:
        return []
    items = [
        MenuItem(_l("Home"), "web.dashboard", order=0),
        MenuItem(_l("Profile"), "identity.profile", order=900),
        MenuItem(_l("News"), "news.index", order=800, permission="news.read"),
        MenuItem(_l("News"), "admin.news", order=35, area="admin", permission="news.manage"),
        MenuItem(_l("Support"), "support.index", order=800, permission="support.use"),
        MenuItem(_l("Support queue"), "support_admin.queue", order=5, area="admin", permission="support.queue"),
        MenuItem(_l("Subscribers"), "admin.subscribers", order=10, area="admin", permission="subscribers.view"),
        MenuItem(_l("Staff"), "admin.staff", order=20, area="admin", permission="staff.manage"),
        MenuItem(_l("Site settings"), "admin.settings", order=30, area="admin", permission="tenant.settings"),
        MenuItem(_l("Payments"), "admin.payment_settings", order=31, area="admin", permission="tenant.settings"),
        MenuItem(_l("Plugins"), "admin.plugins", order=40, area="admin", permission="plugins.manage"),
        MenuItem(_l("Audit log"), "admin.audit", order=50, area="admin", permission="audit.view"),
        MenuItem(_l("Outgoing mail"), "admin.outbox", order=60, area="admin", permission="outbox.view"),
        MenuItem(_l("Payments of the day"), "admin.payments_day", order=24, area="admin", permission="accounts.view"),
        MenuItem(_l("Payment registries"), "admin.registries", order=25, area="admin", permission="payments.import"),
        MenuItem(_l("Unidentified payments"), "admin.suspense", order=26, area="admin", permission="payments.suspense"),
        MenuItem(_l("Call a technician"), "visits.index", order=60, permission="visits.request"),
        MenuItem(_l("Technician visits"), "admin.visits", order=27, area="admin", permission="visits.manage"),
        MenuItem(_l("My visits"), "admin.my_visits", order=28, area="admin", permission="visits.mine"),
        MenuItem(_l("Today at work"), "console.start", order=1, area="admin", permission="console.view"),
    ]
    if tenant.is_platform:
        items.append(MenuItem(_l("Tenants"), "platform.tenants", order=5, area="admin", permission="platform.tenants"))
    return items


@hookimpl(trylast=True)
def register_settings() -> list[SettingsNamespace]:
    return [SITE_SETTINGS]
