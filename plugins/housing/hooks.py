"""The housing plugin's hook implementations: where core meets the housing vertical (its one index)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.api import N_, AuditAction, MenuItem, Permission, hookimpl

RESIDENT = ("subscriber",)
STAFF = ("operator", "tenant_admin")


@hookimpl
def register_permissions():
    return [
        Permission("housing.readings.submit", "Submit meter readings for one's own flats", RESIDENT),
        Permission("housing.flats.own", "Bind one's own flats to one's login and unbind them", RESIDENT),
        Permission("housing.bills.view", "See the payment documents, debts and penalties of one's own flats", RESIDENT),
        Permission("housing.stock.manage", "Manage buildings, flats, accounts and meters", STAFF),
        Permission("housing.readings.manage", "Enter readings taken by phone and review flagged ones", STAFF),
        Permission("housing.reports.read", "Read the management company's reports for one's building", RESIDENT),
        Permission("housing.reports.publish", "Publish the management company's reports", STAFF),
        Permission("housing.billing.run", "Run the month's billing", ("tenant_admin",)),
    ]


@hookimpl
def register_commands(cli):
    from plugins.housing.billing import cli as _billing_cli  # noqa: F401 - adds its commands to the group
    from plugins.housing.common.cli import housing
    from plugins.housing.meters import cli as _meters_cli  # noqa: F401 - adds its commands to the group
    from plugins.housing.readings import cli as _readings_cli  # noqa: F401 - adds its commands to the group
    from plugins.housing.stock import cli as _stock_cli  # noqa: F401 - adds its commands to the group

    cli.add_command(housing)


@hookimpl
def register_blueprints():
    from plugins.housing.accruals import views as _accruals_views  # noqa: F401 - attaches its routes
    from plugins.housing.billing import admin as _billing_admin  # noqa: F401 - attaches its routes
    from plugins.housing.common.blueprints import web
    from plugins.housing.epd import views as _epd_views  # noqa: F401 - attaches its routes
    from plugins.housing.meters import admin as _meters_admin  # noqa: F401 - attaches its routes
    from plugins.housing.penalties import views as _penalties_views  # noqa: F401 - attaches its routes
    from plugins.housing.readings import admin as _readings_admin  # noqa: F401 - attaches its routes
    from plugins.housing.readings import views as _readings_views  # noqa: F401 - attaches its routes
    from plugins.housing.registration import views as _registration_views  # noqa: F401 - attaches its routes
    from plugins.housing.reports import admin as _reports_admin  # noqa: F401 - attaches its routes
    from plugins.housing.reports import views as _reports_views  # noqa: F401 - attaches its routes

    return [web]


@hookimpl
def register_api():
    # Each capability's ``api`` module attaches its endpoints to the one ``api_housing`` blueprint.
    from plugins.housing.accruals import api as _accruals_api  # noqa: F401
    from plugins.housing.common.blueprints import api
    from plugins.housing.readings import api as _readings_api  # noqa: F401
    from plugins.housing.stock import api as _stock_api  # noqa: F401

    return [api]


@hookimpl
def menu_items(tenant, user):
    if user is None:
        return [MenuItem(_l("Register with your personal account number"), "housing.register", area="login")]
    return [
        MenuItem(_l("My flats"), "housing.flats", order=13, permission="housing.flats.own"),
        MenuItem(_l("Meter readings"), "housing.readings", order=14, permission="housing.readings.submit"),
        MenuItem(_l("Accruals"), "housing.accruals", order=14, permission="housing.readings.submit"),
        MenuItem(_l("Payment document"), "housing.epd", order=14, permission="housing.bills.view"),
        MenuItem(_l("Debts and penalties"), "housing.penalties", order=14, permission="housing.bills.view"),
        MenuItem(_l("Reports"), "housing.reports", order=15, permission="housing.reports.read"),
        MenuItem(_l("Meters"), "housing.admin_meters", order=14, area="admin", permission="housing.stock.manage"),
        MenuItem(_l("Billing run"), "housing.admin_billing", order=14, area="admin", permission="housing.billing.run"),
        MenuItem(
            _l("Reports for residents"),
            "housing.admin_reports",
            order=15,
            area="admin",
            permission="housing.reports.publish",
        ),
        MenuItem(
            _l("Readings to check"),
            "housing.admin_readings",
            order=14,
            area="admin",
            permission="housing.readings.manage",
        ),
    ]


@hookimpl
def register_settings():
    from plugins.housing.registration.settings import SETTINGS

    return [SETTINGS]


@hookimpl
def audit_actions():
    return [AuditAction("housing.registration", N_("A resident registered with personal account %(object)s"))]


@hookimpl
def operation_title(tenant, operation):
    from plugins.housing.accruals.titles import accrual_title
    from plugins.housing.penalties.titles import penalty_title

    return accrual_title(tenant, operation) or penalty_title(operation)


@hookimpl
def register_background_actions():
    from plugins.housing.billing.task import background_actions

    return background_actions()


@hookimpl
def service_titles(tenant):
    from plugins.housing.accruals.titles import service_titles as titles
    from plugins.housing.penalties.posting import SERVICE as PENALTY_SERVICE

    return {**titles(), PENALTY_SERVICE: _l("Penalties for late payment")}


@hookimpl
def register_jobs():
    from plugins.housing.reminders.service import jobs

    return jobs()


@hookimpl
def register_notification_kinds():
    from plugins.housing.reminders.service import notification_kinds

    return notification_kinds()


@hookimpl
def news_audiences(tenant):
    from plugins.housing.stock.residents import news_audiences as audiences

    return audiences(tenant)


@hookimpl
def load_demo_data(tenant, data):
    from plugins.housing.demo import load

    return load(tenant, data)


@hookimpl
def populate_test_world(tenant, site):
    from plugins.housing.testing import populate

    return populate(site)
