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
    ]


@hookimpl
def register_commands(cli):
    from plugins.housing.stock.cli import housing

    cli.add_command(housing)


@hookimpl
def register_blueprints():
    from plugins.housing.accruals import views as _accruals_views  # noqa: F401 - attaches its routes
    from plugins.housing.common.blueprints import web
    from plugins.housing.epd import views as _epd_views  # noqa: F401 - attaches its routes
    from plugins.housing.penalties import views as _penalties_views  # noqa: F401 - attaches its routes
    from plugins.housing.readings import admin as _readings_admin  # noqa: F401 - attaches its routes
    from plugins.housing.readings import views as _readings_views  # noqa: F401 - attaches its routes
    from plugins.housing.registration import views as _registration_views  # noqa: F401 - attaches its routes

    return [web]


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

    return accrual_title(tenant, operation)


@hookimpl
def populate_test_world(tenant, site):
    from plugins.housing.testing import populate

    return populate(site)
