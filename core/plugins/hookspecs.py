"""Every hook Abonent calls, in one flat module. The hook reference in the docs is generated from here.

Conventions:

* Start-up hooks (``register_*``) are called once per app for **every installed plugin**; core records
  which plugin returned what, so a plugin's routes answer 404 for tenants that have not enabled it.
* Per-tenant hooks (``menu_items``, ``dashboard_widgets``, ``on_payment_posted`` …) are called only on
  the plugins enabled for that tenant: core calls ``core.api.tenant_hooks(tenant).<hook>(…)``.
  ``on_plugin_enabled``/``on_plugin_disabled`` are called on the one plugin concerned.
* Hooks that collect things return a list (or ``None``); core flattens the results.
* Core's own defaults are hookimpls marked ``trylast``, so a plugin can come before them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.plugins.markers import hookspec

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import date, datetime
    from pathlib import Path

    import click
    from flask import Blueprint
    from flask_smorest import Blueprint as ApiBlueprint

    from core.accounts.models import PersonalAccount
    from core.audit.wording import AuditAction
    from core.identity.models import User
    from core.news.audiences import Audience
    from core.notify.kinds import NotificationKind
    from core.payments.models import Payment
    from core.plugins.types import (
        BackgroundAction,
        ChargeOutlook,
        Counter,
        DemoLogin,
        Job,
        LoginVariant,
        MenuItem,
        MoneyOwed,
        Permission,
        ReceiptLine,
        RoleSpec,
        TenantJob,
        Widget,
    )
    from core.settings.types import SettingsNamespace
    from core.support.categories import TicketCategory
    from core.tenants.models import Tenant
    from core.testing.world import Site


@hookspec
def register_blueprints() -> list[Blueprint] | None:
    """Return the Flask blueprints of the web UI this plugin adds.

    Called once at start-up, for every installed plugin. Core registers each blueprint and, for a
    plugin's blueprints, answers 404 on every route of it for tenants where the plugin is disabled.
    Give each blueprint a ``url_prefix`` (e.g. ``/faq``); templates are looked up in the blueprint's
    ``template_folder`` after core's, so a plugin can also ship static files with ``static_folder``.

    Example::

        @hookimpl
        def register_blueprints():
            return [faq_views.blueprint]
    """


@hookspec
def register_api() -> list[ApiBlueprint] | None:
    """Return flask-smorest blueprints of the JSON API.

    Called once at start-up. Give each blueprint ``url_prefix="/api/v1/<plugin>"`` (core adds no
    prefix), so the plugin's endpoints sit beside core's under ``/api/v1``. Endpoints appear in
    ``/api/v1/openapi.json``; like web blueprints they answer 404 for tenants that have not enabled
    the plugin. Protect them with
    ``core.api.require(permission)`` and read the caller from ``core.api.current_principal()``.
    """


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add click commands or groups to the ``abonent`` command line.

    Called once when the CLI starts. Use ``cli.add_command(group)``; name the group after the plugin
    (``abonent faq …``). Commands run inside the app context; wrap tenant work in
    ``core.api.tenant_scope(tenant.id)``.
    """


@hookspec
def register_permissions() -> list[Permission] | None:
    """Return the permissions this plugin checks, with the built-in roles that get each by default.

    Called once at start-up. Permission names are dotted strings prefixed by the plugin name
    (``faq.manage``). Built-in roles are ``subscriber``, ``operator``, ``tenant_admin`` and
    ``platform_admin``.
    """


@hookspec
def register_roles() -> list[RoleSpec] | None:
    """Return extra roles this plugin adds (e.g. organization roles of a registry).

    Called once at start-up. Roles are created in every tenant that enables the plugin.
    ``RoleSpec.organization_scoped`` roles are assigned inside an organization, by whoever holds
    ``RoleSpec.assignable_by`` there (an organization administrator, not only tenant staff).
    """


@hookspec
def register_jobs() -> list[Job | TenantJob] | None:
    """Return periodic jobs (billing runs, expiry, reminders, mail delivery).

    Called once at start-up. Each job must be idempotent: the scheduler may run it twice, and
    ``abonent jobs run NAME`` runs it by hand. Work done per tenant is a ``TenantJob``: core calls its
    ``run(tenant, now)`` for each active tenant that enabled the plugin, inside that tenant's scope,
    committing or rolling back per tenant and going on after a failure. A ``Job``'s ``run(now)`` is
    called once, across tenants.
    """


@hookspec
def register_background_actions() -> list[BackgroundAction] | None:
    """Return the long operator actions this plugin runs on the job queue, each with a progress page.

    Called once at start-up; a code registered twice is an error. An operator page starts one with
    ``core.api.start_task(code, params)`` and redirects to ``core.api.task_url(task)``; see
    :class:`~core.plugins.types.BackgroundAction` for how ``run`` reports progress. A task runs only while the
    plugin that registered its action is enabled for the tenant.
    """


@hookspec
def register_settings() -> list[SettingsNamespace] | None:
    """Return per-tenant settings namespaces (``SettingsNamespace(name, schema)``) besides the plugin's own.

    Called once at start-up. A plugin's ``PluginInfo.settings_schema`` is already the namespace named after the
    plugin; this hook is for more (core's features declare ``payments.paykeeper``, ``site`` … here). A name
    registered twice stops the app at start-up. Read a namespace with ``get_settings(name)``.
    """


@hookspec(firstresult=True)
def principal_for_token(token: str) -> User | None:
    """Return the user a bearer token of the API belongs to, or ``None`` to let another plugin answer.

    Called by ``core.api.current_principal()`` once per API request, on every installed plugin, inside
    the request's tenant scope (``token`` is what follows ``Authorization: Bearer``, empty when the header
    is missing). The first non-``None`` answer is the request's user; core's identity answers last, for the
    tokens it issues at ``POST /api/v1/auth/login``, keeping the token's session in ``flask.g.auth_session``.
    A plugin answers only for tokens of its own kind (and only where ``core.api.enabled_plugins`` has it).
    """


@hookspec
def template_globals() -> dict[str, Any] | None:
    """Return names to add to every template's globals (``{"unread_notifications": callable}``).

    Called once at start-up. Values are usually functions a template calls (the layout's header
    counters); a name given by two plugins stops the app at start-up.
    """


@hookspec
def template_filters() -> dict[str, Callable[..., Any]] | None:
    """Return Jinja filters to add for every template (``{"money": format_money}`` gives ``{{ x|money }}``).

    Called once at start-up; a name given by two plugins stops the app at start-up.
    """


@hookspec
def menu_items(tenant: Tenant, user: User | None) -> list[MenuItem] | None:
    """Return navigation entries for this tenant and user (``user`` is ``None`` when logged out).

    Called per request, only on plugins enabled for ``tenant``. Entries whose ``permission`` the
    user lacks are dropped by core, so return them unconditionally where a permission decides.

    ``area`` places the entry: ``"cabinet"`` (the subscriber's menu), ``"admin"`` (the staff area) or
    ``"login"``, a link under the login form for visitors (self-registration, say): return those when
    ``user`` is ``None``.
    """


@hookspec
def dashboard_widgets(tenant: Tenant, user: User) -> list[Widget] | None:
    """Return cards for the subscriber's dashboard, rendered in ascending ``order``.

    Called when the dashboard is shown, only on plugins enabled for ``tenant``. Render the card's
    HTML with ``flask.render_template`` (autoescaped) and keep it cheap: it runs on every visit.
    Give a card that leads to a guarded page the page's ``permission`` (``Widget(…, permission="x.read")``):
    core drops it for a viewer without it, as it drops such menu entries.
    """


@hookspec
def staff_counters(tenant: Tenant, user: User) -> list[Counter] | None:
    """Return the numbers for the staff start page (``/admin/``), each linking to the list it counts.

    Called when a member of staff opens the start page, only on plugins enabled for ``tenant``. Core
    counts tickets, today's visits and suspense payments; a plugin adds its own (debtors, the last
    charge run, pending applications). Counters whose ``permission`` the user lacks are dropped by core,
    so return them unconditionally where a permission decides. Keep each to one cheap query.

    Example::

        @hookimpl
        def staff_counters(tenant, user):
            return [Counter(_l("Debtors"), count_debtors(), "isp.admin_contracts", {"state": "debtors"})]
    """


@hookspec
def ticket_panel(tenant: Tenant, ticket: Any, account: PersonalAccount | None) -> list[Widget] | None:
    """Return cards about the ticket's subscriber for the operator's ticket page, ascending ``order``.

    Called when a member of staff opens a ticket (a ``core.support.models.Ticket``), only on plugins enabled
    for ``tenant``. ``account`` is the personal account the ticket is about (or the author's only one;
    ``None`` when unknown). Core shows the balance and the last payments; a plugin adds what it knows
    (contract state, services). Render the HTML with ``flask.render_template`` (autoescaped); return
    ``None`` when there is nothing to say.
    """


@hookspec
def audit_actions() -> list[AuditAction] | None:
    """Return how the audit log words this plugin's actions: ``AuditAction(code, sentence)``.

    Called once at start-up on every installed plugin. ``sentence`` is a translatable text with
    ``%(object)s`` for the object's id (e.g. ``N_("Granted a promised payment on contract %(object)s")``);
    an action code ending in ``.`` words every action that starts with it. An action nobody words is shown
    as its code.
    """


@hookspec
def on_plugin_enabled(tenant: Tenant, settings: dict[str, Any]) -> None:
    """Called once, on this plugin only, right after it is enabled for ``tenant`` (same transaction).

    Use it to create the tenant's initial rows (default catalogue entries, roles …). ``settings``
    are the validated settings. Raising aborts the enablement.
    """


@hookspec
def on_plugin_disabled(tenant: Tenant) -> None:
    """Called once, on this plugin only, right after it is disabled for ``tenant``.

    The plugin's data stays (re-enabling brings it back); stop anything scheduled for the tenant.
    """


@hookspec
def on_payment_posted(tenant: Tenant, account: PersonalAccount, payment: Payment) -> None:
    """Called when a payment reaches a personal account, in the same database transaction.

    Called on the plugins enabled for ``tenant`` right after the ledger posted the payment (card
    notification, registry import, manual payment, or an operator moving it out of suspense), so a
    plugin can act at once — e.g. unblock services the payment covers. ``account.balance`` is the new
    balance. Raising aborts the payment's transaction; the gateway then retries. A registry uploaded in
    the admin area is imported by the job worker: there the hook runs outside any web request (no
    ``request``, no logged-in user), as it does for ``abonent payments import``.

    Prefer :func:`on_payments_posted`, called once per batch (a registry chunk of a thousand
    payments); this one is called per payment, and only on plugins that do not implement the batch hook.
    """


@hookspec
def on_payments_posted(
    tenant: Tenant, accounts: Sequence[PersonalAccount], payments: Sequence[Payment], account_ids: list[int]
) -> None:
    """Called once for a batch of payments that reached personal accounts, in the same database transaction.

    Core calls this hook for every payment that reaches an account: a card notification, a manual
    payment or a suspense move is a batch of one; a registry import calls it once per chunk of up to
    :data:`core.payments.registry.CHUNK` lines, each chunk in its own short transaction. ``payments``
    are the batch's posted :class:`~core.payments.models.Payment` rows in posting order;
    ``accounts`` are their distinct personal accounts (``payment.personal_account_id`` finds one),
    each with ``account.balance`` after the whole batch; ``account_ids`` are those accounts' ids,
    ascending. Work set-based here (one query for the batch, not one per payment): a registry chunk
    holds a thousand payments. Raising aborts the batch's transaction (a registry import then stops
    and is resumed from that chunk).

    Name only the arguments you use (pluggy passes those): in a registry import ``accounts`` and
    ``payments`` are read from the database the first time a plugin reads them, so a plugin that
    needs only ``account_ids`` (and loads what it needs of its own rows for them, like isp's
    contracts in debt) spares every chunk a thousand payment and account objects. Example::

        @hookimpl
        def on_payments_posted(tenant, account_ids):
            settle_debts(tenant, account_ids)  # one query for the batch

    A plugin that implements only the older :func:`on_payment_posted` keeps working: core calls it
    once per payment for that plugin. A plugin that implements this hook is not called per payment.
    """


@hookspec
def daily_cost(tenant: Tenant, account: PersonalAccount) -> int | None:
    """Return what ``account`` costs per day in kopecks for this plugin's services, or ``None``.

    The answers **add up**: a tenant with two billing plugins (internet and guarding, say) shows the
    sum per day. Core uses it for "enough for N days" and "paid until" on the balance card when no
    plugin answers ``charge_outlook``; with no answer those lines are not shown.
    """


@hookspec(firstresult=True)
def operation_title(tenant: Tenant, operation: Any) -> str | None:
    """Return the words for one line of the money history, or ``None`` for a line this plugin did not post.

    ``operation`` (a ``core.api.Operation``; typed ``Any`` here so the kernel does not import the money
    feature) has the ledger line's ``kind`` (the transaction's kind, e.g.
    ``"charge"``, ``"payment"`` or the plugin's own ``"promise"``), ``amount`` (kopecks, + adds to the
    balance), ``service``, ``period`` (``"YYYY-MM"``), ``memo`` (a note for staff) and ``meta`` (the
    dict the plugin passed to ``ledger.transfer(…, meta=…)``). Build the title from ``kind`` and ``meta``
    with ``gettext`` so it is in the viewer's language; do not show ``memo`` (it is not translated).
    ``firstresult``: the first plugin that answers decides; with no answer core titles the core kinds
    ("Оплата картой", "Корректировка оператора: …") and shows others by kind.

    Example::

        @hookimpl
        def operation_title(tenant, operation):
            if operation.kind == "promise" and operation.amount > 0:
                return gettext("Promised payment until %(day)s", day=core.api.day_title(operation.meta["until"]))
            return None
    """


@hookspec
def money_owed(tenant: Tenant, account: PersonalAccount, at: datetime | None) -> list[MoneyOwed] | None:
    """Return credit on ``account``'s balance that is owed back, as :class:`core.api.MoneyOwed` values.

    Called on the plugins enabled for ``tenant`` whenever money is shown: the balance card, the pay form,
    the receipt (with ``at`` = the end of its period, so a credit still running then counts in the amount
    due) and the API (``at`` is ``None``: now). Each value has the amount in kopecks, the day it is taken
    back and a title in the page's language. Core subtracts them from the balance for "your own money",
    the debt, "enough for N days" and the sum to pay. Return ``None`` or ``[]`` when nothing is owed.
    """


@hookspec(firstresult=True)
def charge_outlook(tenant: Tenant, account: PersonalAccount, today: date) -> ChargeOutlook | None:
    """Return the charges ahead of ``account`` as a :class:`core.api.ChargeOutlook`, or ``None``.

    ``firstresult``: the first plugin that answers decides. Called whenever the balance card, the pay
    form or the API shows money. The outlook's cost spans start at the first day not charged yet and say
    what each day really costs (a voluntary block's days cost its fee); ``period_end`` is the end of the
    charge period the "keep the services on" amount covers; ``blocked``/``resume_balance`` say whether
    services are stopped now and which balance brings them back. Without an answer core falls back to
    ``daily_cost``.
    """


@hookspec
def receipt_lines(tenant: Tenant, account: PersonalAccount, period: str) -> list[ReceiptLine] | None:
    """Return extra lines for the printed receipt of ``account`` for ``period`` (``"YYYY-MM"``).

    Called on the plugins enabled for ``tenant`` when a receipt is built. Each line is a
    ``core.api.ReceiptLine(title, amount=None, details="")``: ``amount`` in integer kopecks, ``details``
    the tariff, meter readings or calculation in words. (Dicts with the same keys, the 0.3 form, still
    work with a ``DeprecationWarning``.) Core lists charges from the ledger itself; return lines that add
    information (e.g. a per-service breakdown), not money the ledger does not have.
    """


@hookspec
def service_titles(tenant: Tenant) -> dict[str, str] | None:
    """Return printable names for the service codes this plugin charges under: ``{code: title}``.

    Called on the plugins enabled for ``tenant`` when a receipt, a statement or the history of
    charges is shown. Postings carry a short service code (``Entry.service``); without a name the
    code itself is printed. Core names common codes (``internet``, ``tv``, ``heating`` …); a
    plugin's names take precedence.

    Example::

        @hookimpl
        def service_titles(tenant):
            return {p.code: p.title for p in all_products()}
    """


@hookspec
def register_notification_kinds() -> list[NotificationKind] | None:
    """Return the kinds of notification this plugin sends (``core.api.NotificationKind``).

    Called once at start-up. Subscribers choose per kind whether they get it in the app and by
    e-mail; ``email_default``/``in_app_default`` apply until they do. Send with
    ``core.api.notify(user, kind_code, title, body, link, dedupe_key=…)``; ``link`` is a path inside
    the site, ``core.api.site_path(endpoint, **values)`` (mail gets the tenant's own address for it).
    """


@hookspec
def register_ticket_categories() -> list[TicketCategory] | None:
    """Return the topics of support conversations this plugin adds (``core.api.TicketCategory``).

    Called once at start-up. A plugin's categories are offered to subscribers only on the sites that
    enabled the plugin; a ``code`` must be unique across core and plugins (core's own are ``billing``,
    ``technical`` and ``other``). ``response_hours`` and ``resolution_hours`` are the default deadlines
    to the first reply and to the solution; each tenant may change them (settings namespace
    ``support.deadlines``). To open a conversation from code, call ``core.api.open_ticket``.

    Example::

        @hookimpl
        def register_ticket_categories():
            return [TicketCategory("tariff_change", "Change of tariff (legal entities)", response_hours=8)]
    """


@hookspec
def news_audiences(tenant: Tenant) -> list[Audience] | None:
    """Return the audiences this plugin offers for news (``core.api.Audience``), e.g. one tariff's subscribers.

    Called per request, only on plugins enabled for ``tenant``: when an operator writes news (each
    ``choices`` pair becomes an option "title: label"), when a reader's news list, an item or the
    important-news banner is shown, and by the ``core.news.notify`` job that notifies an item's
    audience. The item stores ``{"filter": key, "value": value}``; core then calls
    ``includes(user, value)`` to decide whether ``user`` sees the item and is notified, so keep it
    cheap (give ``memberships(user)`` too — every value the user belongs to, in one query — and a
    reader's list of news asks once instead of once per value); it also runs outside a request (in
    the job), so take the tenant from ``user.tenant_id`` or the ``tenant`` argument, not from the
    request. Without any plugin answering, news is for
    everyone. If the plugin is disabled later, its audiences match nobody (staff who manage news
    still see the items).

    Example::

        @hookimpl
        def news_audiences(tenant):
            return [Audience("tariff", "Тариф", [("basic", "Базовый"), ("max", "Максимум")],
                             includes=lambda user, value: tariff_of(user) == value)]
    """


@hookspec
def login_variants(tenant: Tenant) -> list[LoginVariant] | None:
    """Return the login forms this plugin offers on ``tenant``'s site (``core.api.LoginVariant``).

    Called per request of the login page, only on plugins enabled for ``tenant``. With no variant
    the site has one login form. With variants, the page shows one tab per variant (``?as=<code>``)
    (the first is shown by default) and a login through an explicitly chosen tab succeeds only when
    its ``accepts(user)`` is true; a correct login through the wrong form is refused with the name of
    the right one. A plain ``/login`` (no tab chosen) accepts every user. The API's token login is
    not affected (a mobile app has no tabs).

    Example::

        @hookimpl
        def login_variants(tenant):
            return [LoginVariant("cable", "Cable internet", accepts=lambda u: category_of(u) == "cable"),
                    LoginVariant("wifi", "Wi-Fi", accepts=lambda u: category_of(u) == "wifi")]
    """


@hookspec
def load_demo_data(tenant: Tenant, data: dict[str, Any]) -> list[DemoLogin] | None:
    """Create this plugin's demo data for ``tenant`` from the tenant file's ``[demo.plugins.<name>]`` table.

    Called by ``abonent demo`` on the one plugin named, after core created the file's demo users and
    accounts, inside the tenant's scope; the caller commits. ``data`` is the table as written (the
    plugin validates it and raises ``click.ClickException`` with a clear message when it is wrong).
    Must be idempotent: the demo command runs on every start. Return the logins it created as
    ``core.api.DemoLogin(login, password, note)`` (the note says who it is: "in debt, services
    blocked"); the demo prints them with the site's other logins and resets their passwords on each
    start. (Dicts with the same keys, the 0.3 form, still work with a ``DeprecationWarning``.)
    """


@hookspec
def demo_tenant_files() -> list[Path] | None:
    """Return the demo tenant files this plugin ships inside its package, for ``abonent demo``.

    Called once per ``abonent demo`` on **every installed plugin**. Each path is a TOML file in the
    format of ``tenants/*.toml`` (``docs/tenants.md``) that enables this plugin and carries its
    ``[demo.plugins.<name>]`` table for ``load_demo_data``, so installing the plugin is enough for the
    demo to show it — no file to copy into the installation's ``tenants/`` folder. A file there with the
    same ``slug`` wins over the shipped one. Ship the files as package data::

        @hookimpl
        def demo_tenant_files():
            return [Path(__file__).parent / "demo" / "goldlab.toml"]
    """


@hookspec
def lock_before_posting(tenant: Tenant, ledger_account_ids: list[int]) -> None:
    """Lock this plugin's rows that own these ledger accounts, before the ledger locks the accounts' rows.

    Called by the ledger (on PostgreSQL) in every posting — a payment, a registry line, a correction, a
    plugin's own charge — just before its ``balance = balance + Δ`` takes the rows of
    ``ledger_account_ids`` (ascending, the current tenant's), in the posting's transaction and tenant
    scope. A plugin that reads a balance and then changes its own row (the isp plugin's contract) locks
    that row first everywhere; locking it here too makes money posted by core keep the same order, so
    the two never deadlock. Lock with ``SELECT … FOR UPDATE`` in id order; do not post or flush here.
    """


@hookspec
def populate_test_world(tenant: Tenant, site: Site) -> dict[str, Any] | None:
    """Create one object of each kind this plugin's URLs name, for the shipped route suites (tests only).

    Called by the ``abonent`` pytest plugin (``core.testing``) when it builds a tenant's world for the
    route×role matrix and the cross-tenant 404 probe, after core's own objects exist, inside the
    tenant's scope, with every installed plugin enabled; the caller commits. ``site`` has the tenant's
    users (``site.users[role]``, ``site.everyone``) and ``site.account``, a personal account they can
    see. Return ``{URL parameter: id}`` for every object parameter of your routes (``contract_id`` for
    ``/isp/contracts/<int:contract_id>``): the probe asks for another tenant's id and expects 404, the
    matrix opens your own. A route parameter that no world gives an id for fails the probe. Keep the
    objects in a module the plugin imports only from this hook (``plugins/isp/testing.py``).
    """
