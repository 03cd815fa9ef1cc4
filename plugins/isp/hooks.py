"""The isp plugin's hook implementations: where core meets the ISP vertical.

Capability modules are imported inside the hooks that need them, so this module stays the one
readable index of how the plugin plugs in; no module of the plugin imports it.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.api import (
    N_,
    AuditAction,
    Job,
    LoginVariant,
    MenuItem,
    NotificationKind,
    Permission,
    TenantJob,
    TicketCategory,
    hookimpl,
    process_cache,
)

NAME = "isp"

SUBSCRIBER = ("subscriber",)
STAFF = ("operator", "tenant_admin")


@hookimpl
def register_blueprints():
    # Each capability's subscriber (views) and operator (admin) pages attach to the one ``isp``
    # blueprint when imported, so endpoint names stay flat: ``isp.promise``, ``isp.admin_contracts``.
    from plugins.isp.catalog import admin as _catalog_admin  # noqa: F401
    from plugins.isp.categories import admin as _categories_admin  # noqa: F401
    from plugins.isp.charging import admin as _charging_admin  # noqa: F401
    from plugins.isp.common.blueprints import web
    from plugins.isp.contracts import admin as _contracts_admin  # noqa: F401
    from plugins.isp.contracts import views as _contracts_views  # noqa: F401
    from plugins.isp.documents import admin as _documents_admin  # noqa: F401
    from plugins.isp.documents import views as _documents_views  # noqa: F401
    from plugins.isp.freeze import admin as _freeze_admin  # noqa: F401
    from plugins.isp.freeze import views as _freeze_views  # noqa: F401
    from plugins.isp.onetime import admin as _onetime_admin  # noqa: F401
    from plugins.isp.onetime import views as _onetime_views  # noqa: F401
    from plugins.isp.orders import views as _orders_views  # noqa: F401
    from plugins.isp.promise import admin as _promise_admin  # noqa: F401
    from plugins.isp.promise import views as _promise_views  # noqa: F401
    from plugins.isp.tariffs import admin as _tariffs_admin  # noqa: F401
    from plugins.isp.tariffs import views as _tariffs_views  # noqa: F401
    from plugins.isp.termination import admin as _termination_admin  # noqa: F401
    from plugins.isp.termination import views as _termination_views  # noqa: F401

    return [web]


@hookimpl
def register_api():
    # Each capability's ``api`` module attaches its endpoints to the one ``api_isp`` blueprint.
    from plugins.isp.common.blueprints import api
    from plugins.isp.contracts import api as _contracts_api  # noqa: F401
    from plugins.isp.documents import api as _documents_api  # noqa: F401
    from plugins.isp.freeze import api as _freeze_api  # noqa: F401
    from plugins.isp.onetime import api as _onetime_api  # noqa: F401
    from plugins.isp.orders import api as _orders_api  # noqa: F401
    from plugins.isp.promise import api as _promise_api  # noqa: F401
    from plugins.isp.tariffs import api as _tariffs_api  # noqa: F401
    from plugins.isp.termination import api as _termination_api  # noqa: F401

    return [api]


@hookimpl
def register_commands(cli):
    from plugins.isp.cli import isp

    cli.add_command(isp)


@hookimpl
def register_permissions():
    return [
        Permission("isp.use", "Use ISP self-service: services, tariffs, promised payment, voluntary block", SUBSCRIBER),
        Permission(
            "isp.catalog.manage",
            "Manage the tariff and service catalogue, one-time services and subscriber categories",
            STAFF,
        ),
        Permission("isp.contracts.view", "See ISP contracts and service states", STAFF),
        Permission("isp.contracts.manage", "Open and terminate contracts, change services, apply applications", STAFF),
        Permission("isp.promises.manage", "See and grant promised payments", STAFF),
        Permission("isp.freezes.manage", "Start and end voluntary blocks for subscribers", STAFF),
        Permission("isp.charges.view", "See daily charge runs", STAFF),
        Permission("isp.charges.run", "Run the daily charge by hand", ("tenant_admin",)),
    ]


@hookimpl
def register_background_actions():
    from plugins.isp.charging.task import background_actions

    return background_actions()


@hookimpl
def register_jobs():
    from plugins.isp.charging import service as charging
    from plugins.isp.freeze import service as freeze
    from plugins.isp.promise import service as promise
    from plugins.isp.tariffs import changes
    from plugins.isp.termination import service as termination

    jobs: list[Job | TenantJob] = [
        *charging.jobs(),
        *promise.jobs(),
        *freeze.jobs(),
        *changes.jobs(),
        *termination.jobs(),
    ]
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
    if user is None:  # the login page: a visitor not yet connected asks whether a cable can reach them
        return [
            MenuItem(
                _l("Not connected yet? Check whether we can connect your address"), "connect.request_form", area="login"
            )
        ]
    return [
        MenuItem(_l("Services"), "isp.services", order=15, permission="isp.use"),
        MenuItem(_l("One-time services"), "isp.admin_onetime", order=16, area="admin", permission="isp.catalog.manage"),
        MenuItem(
            _l("Subscriber categories"), "isp.admin_categories", order=16, area="admin", permission="isp.catalog.manage"
        ),
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
def staff_counters(tenant, user):
    from plugins.isp.console.panels import staff_counters as counters

    return counters(tenant)


@hookimpl
def ticket_panel(tenant, ticket, account):
    from plugins.isp.console.panels import ticket_panel as panel

    return panel(tenant, account)


@hookimpl
def audit_actions():
    return [
        AuditAction("isp.contract.open", N_("Opened contract %(object)s")),
        AuditAction("isp.block", N_("Blocked contract %(object)s for debt")),
        AuditAction("isp.unblock", N_("Restored the services of contract %(object)s")),
        AuditAction("isp.promise.", N_("Promised payment on contract %(object)s")),
        AuditAction("isp.promise.grant", N_("Granted a promised payment on contract %(object)s")),
        AuditAction("isp.freeze.", N_("Voluntary block of contract %(object)s")),
        AuditAction("isp.tariff_change.", N_("Tariff change on contract %(object)s")),
        AuditAction("isp.tariff_change.cancel", N_("Cancelled a tariff change on contract %(object)s")),
        AuditAction("isp.tariff_change.operator", N_("Changed the tariff of contract %(object)s")),
        AuditAction("isp.addon.", N_("Changed the add-ons of contract %(object)s")),
        AuditAction("isp.catalog.", N_("Edited the tariff or service %(object)s")),
        AuditAction("isp.catalog.delete", N_("Deleted the tariff or service %(object)s")),
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
def charge_outlook(tenant, account, today):
    from plugins.isp.charging.outlook import charge_outlook as outlook

    return outlook(tenant, account, today)


@hookimpl
def money_owed(tenant, account, at):
    from plugins.isp.charging.outlook import money_owed as owed

    return owed(tenant, account, at)


@hookimpl
def on_payments_posted(tenant, account_ids):
    from plugins.isp.contracts import blocking
    from plugins.isp.promise import service as promise

    # the ids are enough: both load only the contracts that a payment can change (in debt, with a promise)
    promise.settle_on_payments(tenant, account_ids)
    blocking.refresh_paid(tenant, account_ids)


@hookimpl
def service_titles(tenant):
    from plugins.isp.catalog.service import all_products
    from plugins.isp.onetime.service import ledger_titles as onetime_titles

    titles = {
        "promise_fee": str(_l("Promised payment fee")),
        "freeze": str(_l("Voluntary block")),
        "tariff_change": str(_l("Tariff change fee")),
    }

    def read() -> dict[str, str]:  # the catalogue's and one-time services' titles, kept per process
        return {**{product.code: product.title for product in all_products()}, **onetime_titles()}

    titles.update(process_cache().get(("isp.service_titles", tenant.id), read))
    return titles


@hookimpl
def operation_title(tenant, operation):
    from plugins.isp.common.titles import isp_title

    return isp_title(tenant, operation)


@hookimpl
def login_variants(tenant):
    from plugins.isp.categories.service import categories
    from plugins.isp.contracts.service import contracts_of_user

    def accepts(category):
        def check(user) -> bool:
            contracts = contracts_of_user(user)
            # Staff and users without a contract may use any form.
            return not contracts or any(c.category == category for c in contracts)

        return check

    hint = _l("Your login is the contract number; the password is printed on the sheet you got with the contract.")
    # One tab per category marked for the login page (the tenant's own words); none with a single one.
    tabs = [c for c in categories() if c.login_tab]
    if len(tabs) < 2:
        return []
    return [LoginVariant(c.code, c.title, accepts(c.code), hint) for c in tabs]


@hookimpl
def on_plugin_enabled(tenant, settings):
    from plugins.isp.categories.service import ensure_defaults

    ensure_defaults()


@hookimpl
def news_audiences(tenant):
    from plugins.isp.contracts.audiences import news_audiences as audiences

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
    from plugins.isp.contracts.testing import populate

    return populate(site)


__all__ = [
    "audit_actions",
    "charge_outlook",
    "daily_cost",
    "dashboard_widgets",
    "load_demo_data",
    "lock_before_posting",
    "login_variants",
    "menu_items",
    "money_owed",
    "news_audiences",
    "on_payments_posted",
    "on_plugin_enabled",
    "operation_title",
    "populate_test_world",
    "register_api",
    "register_background_actions",
    "register_blueprints",
    "register_commands",
    "register_jobs",
    "register_notification_kinds",
    "register_permissions",
    "register_ticket_categories",
    "service_titles",
    "staff_counters",
    "ticket_panel",
]
