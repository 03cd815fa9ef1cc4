"""The housing plugin's hook implementations: where core meets the housing vertical (its one index)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.api import MenuItem, Permission, hookimpl

RESIDENT = ("subscriber",)
STAFF = ("operator", "tenant_admin")


@hookimpl
def register_permissions():
    return [
        Permission("housing.readings.submit", "Submit meter readings for one's own flats", RESIDENT),
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
    from plugins.housing.readings import admin as _readings_admin  # noqa: F401 - attaches its routes
    from plugins.housing.readings import views as _readings_views  # noqa: F401 - attaches its routes

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
        return []
    return [
        MenuItem(_l("Meter readings"), "housing.readings", order=14, permission="housing.readings.submit"),
        MenuItem(_l("Accruals"), "housing.accruals", order=14, permission="housing.readings.submit"),
        MenuItem(
            _l("Readings to check"),
            "housing.admin_readings",
            order=14,
            area="admin",
            permission="housing.readings.manage",
        ),
    ]


@hookimpl
def load_demo_data(tenant, data):
    from plugins.housing.demo import load

    return load(tenant, data)


@hookimpl
def populate_test_world(tenant, site):
    from plugins.housing.testing import populate

    return populate(site)
