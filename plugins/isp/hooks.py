"""The isp plugin's hook implementations: where core meets the ISP vertical.

Capability modules are imported inside the hooks that need them, so this module stays the one
readable index of how the plugin plugs in; no module of the plugin imports it.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.api import (
    N_,
    Job,
    LoginVariant,
    MenuItem,
    NotificationKind,
    Permission,
    TenantJob,
    TicketCategory,
    hookimpl,
)

NAME = "isp"

SUBSCRIBER = ("subscriber",)
STAFF = ("operator", "tenant_admin")


@hookimpl
def register_blueprints():
    # Each capability's subscriber (views) and operator (admin) pages attach to the one ``isp``
    # blueprint when imported, so endpoint names stay flat: ``isp.promise``, ``isp.admin_contracts``.
    from plugins.isp.catalog import admin as _catalog_admin  # noqa: F401
    from plugins.isp.charging import admin as _charging_admin  # noqa: F401
    from plugins.isp.common.blueprints import web
    from plugins.isp.contracts import admin as _contracts_admin  # noqa: F401
    from plugins.isp.contracts import views as _contracts_views  # noqa: F401
    from plugins.isp.freeze import admin as _freeze_admin  # noqa: F401
    from plugins.isp.freeze import views as _freeze_views  # noqa: F401
    from plugins.isp.promise import admin as _promise_admin  # noqa: F401
    from plugins.isp.promise import views as _promise_views  # noqa: F401
    from plugins.isp.tariffs import admin as _tariffs_admin  # noqa: F401
    from plugins.isp.tariffs import views as _tariffs_views  # noqa: F401

    return [web]


@hookimpl
def register_api():
    # Each capability's ``api`` module attaches its endpoints to the one ``api_isp`` blueprint.
    from plugins.isp.common.blueprints import api
    from plugins.isp.contracts import api as _contracts_api  # noqa: F401
    from plugins.isp.freeze import api as _freeze_api  # noqa: F401
    from plugins.isp.promise import api as _promise_api  # noqa: F401
    from plugins.isp.tariffs import api as _tariffs_api  # noqa: F401

    return [api]


@hookimpl
def register_commands(cli):
    from plugins.isp.cli import isp

    cli.add_command(isp)


@hookimpl
def register_permissions():
    return [
        Permission("isp.use", "Use ISP self-service: services, tariffs, promised payment, voluntary block", SUBSCRIBER),
        Permission("isp.catalog.manage", "Manage the tariff and service catalogue", STAFF),
        Permission("isp.contracts.view", "See ISP contracts and service states", STAFF),
        Permission("isp.contracts.manage", "Open contracts, change services, apply applications", STAFF),
        Permission("isp.promises.manage", "See and grant promised payments", STAFF),
        Permission("isp.freezes.manage", "Start and end voluntary blocks for subscribers", STAFF),
        Permission("isp.charges.view", "See daily charge runs", STAFF),
        Permission("isp.charges.run", "Run the daily charge by hand", ("tenant_admin",)),
    ]


@hookimpl
def register_jobs():
    from plugins.isp.charging import service as charging
    from plugins.isp.freeze import service as freeze
    from plugins.isp.promise import service as promise
    from plugins.isp.tariffs import changes

    jobs: list[Job | TenantJob] = [*charging.jobs(), *promise.jobs(), *freeze.jobs(), *changes.jobs()]
    return jobs


@hookimpl
def register_notification_kinds():
    return [
        NotificationKind("isp_service_state", N_("Services blocked or restored")),
        NotificationKind("isp_promise", N_("Promised payment")),
        NotificationKind("isp_freeze", N_("Voluntary block")),
        NotificationKind("isp_tariff_change", N_("Tariff and service changes")),
    ]


@hookimpl
def register_ticket_categories():
    from plugins.isp.tariffs.applications import APPLICATION_CATEGORY

    return [
        TicketCategory(
            APPLICATION_CATEGORY,
            N_("Written application: tariff or service change"),
            response_hours=8,
            resolution_hours=72,
        )
    ]


@hookimpl
def menu_items(tenant, user):
    if user is None:
        return []
    return [
        MenuItem(_l("Services"), "isp.services", order=15, permission="isp.use"),
        MenuItem(_l("Contracts"), "isp.admin_contracts", order=15, area="admin", permission="isp.contracts.view"),
        MenuItem(
            _l("Tariffs and services"), "isp.admin_catalog", order=16, area="admin", permission="isp.catalog.manage"
        ),
        MenuItem(
            _l("Promised payments"), "isp.admin_promises", order=17, area="admin", permission="isp.promises.manage"
        ),
        MenuItem(_l("Voluntary blocks"), "isp.admin_freezes", order=18, area="admin", permission="isp.freezes.manage"),
        MenuItem(_l("Charge runs"), "isp.admin_charges", order=19, area="admin", permission="isp.charges.view"),
    ]


@hookimpl
def dashboard_widgets(tenant, user):
    from plugins.isp.contracts.views import dashboard_widgets as widgets

    return widgets(tenant, user)


@hookimpl
def daily_cost(tenant, account):
    from plugins.isp.common.calendar import tenant_today
    from plugins.isp.contracts.service import contract_of, daily_cost

    contract = contract_of(account)
    if contract is None:
        return None
    return daily_cost(contract, tenant_today(tenant))


@hookimpl
def on_payment_posted(tenant, account, payment):
    from plugins.isp.contracts import blocking
    from plugins.isp.contracts.service import contract_of
    from plugins.isp.promise import service as promise

    contract = contract_of(account)
    if contract is None:
        return
    promise.settle_on_payment(tenant, contract)
    blocking.refresh(tenant, contract)


@hookimpl
def service_titles(tenant):
    from sqlalchemy import select

    from core.api import session
    from plugins.isp.models import Product

    titles = {
        "promise_fee": str(_l("Promised payment fee")),
        "freeze": str(_l("Voluntary block")),
        "tariff_change": str(_l("Tariff change fee")),
    }
    titles.update(dict(session.execute(select(Product.code, Product.title)).all()))
    return titles


@hookimpl
def login_variants(tenant):
    from plugins.isp.contracts.service import contracts_of_user
    from plugins.isp.models import CABLE, WIFI

    def accepts(category):
        def check(user) -> bool:
            contracts = contracts_of_user(user)
            # Staff and users without a contract may use any form.
            return not contracts or any(c.category == category for c in contracts)

        return check

    hint = _l("Your login is the contract number; the password is printed on the sheet you got with the contract.")
    return [
        LoginVariant(CABLE, _l("Cable internet"), accepts(CABLE), hint),
        LoginVariant(WIFI, _l("Wi-Fi"), accepts(WIFI), hint),
    ]


@hookimpl
def news_audiences(tenant):
    from plugins.isp.catalog.service import news_audiences as audiences

    return audiences(tenant)


@hookimpl
def load_demo_data(tenant, data):
    from plugins.isp.demo import load

    return load(tenant, data)


@hookimpl
def lock_before_posting(tenant, ledger_account_ids):
    from plugins.isp.common.contract_lock import lock_contracts_of

    lock_contracts_of(ledger_account_ids)


@hookimpl
def populate_test_world(tenant, site):
    from plugins.isp.testing import populate

    return populate(site)


__all__ = [
    "daily_cost",
    "dashboard_widgets",
    "load_demo_data",
    "lock_before_posting",
    "login_variants",
    "menu_items",
    "news_audiences",
    "on_payment_posted",
    "populate_test_world",
    "register_api",
    "register_blueprints",
    "register_commands",
    "register_jobs",
    "register_notification_kinds",
    "register_permissions",
    "register_ticket_categories",
    "service_titles",
]
