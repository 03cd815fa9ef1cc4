"""The subscriber's services overview (``/isp/``) and the dashboard cards.

Each service is shown with its status in words (active, blocked for debt, voluntarily blocked,
scheduled to change, starts later), with the monthly fee, the balance and how many days it lasts.
A subscriber blocked for debt sees the limited mode: paying, the promised payment and support work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import render_template
from flask_babel import format_date, lazy_pgettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.api import (
    BalanceView,
    Tenant,
    User,
    balance_view,
    can,
    current_account,
    current_tenant,
    current_tenant_id,
    my_accounts,
    plugin_settings,
    process_cache,
    require,
    session,
)
from plugins.isp.catalog.service import KIND_TITLES
from plugins.isp.categories.service import title_of as category_title_of
from plugins.isp.common.blueprints import web
from plugins.isp.common.calendar import tenant_today
from plugins.isp.common.links import optional_url
from plugins.isp.contracts import state
from plugins.isp.contracts.service import contract_of, daily_cost, monthly_fee
from plugins.isp.models import Contract, Freeze, OneTimeService, Promise, Subscription, TariffChange

STATUS_TITLES = {
    state.S_ACTIVE: _l("Active"),
    state.S_BLOCKED: _l("Blocked for debt"),
    state.S_FROZEN: _l("Voluntarily blocked"),
    state.S_SCHEDULED: lazy_pgettext("service", "Scheduled"),
    state.S_CHANGING: _l("Active, tariff change scheduled"),
}


def _day(day: date) -> str:
    return format_date(day, "d MMMM y")


def status_words(status: str, subscription: Subscription, change: TariffChange | None, freeze: Freeze | None) -> str:
    """One service's status as a sentence for the subscriber (and the operator)."""
    if status == state.S_SCHEDULED:
        return str(_l("Starts on %(day)s", day=_day(subscription.starts_on)))
    if status == state.S_FROZEN:
        if freeze is not None:
            return str(_l("Voluntarily blocked until %(day)s", day=_day(freeze.last_day)))
        return str(STATUS_TITLES[state.S_FROZEN])
    if status == state.S_BLOCKED:
        return str(_l("Blocked for debt"))
    if status == state.S_CHANGING and change is not None:
        return str(
            _l(
                "Active; changes to «%(title)s» on %(day)s",
                title=change.to_product.title,
                day=_day(change.effective_on),
            )
        )
    if subscription.ends_on is not None:
        return str(_l("Active until %(day)s", day=_day(subscription.ends_on)))
    return str(_l("Active"))


@dataclass(frozen=True)
class ServiceLine:
    """One service on the overview."""

    code: str
    title: str
    kind: str
    kind_title: str
    status: str
    words: str
    monthly_fee: int | None  # None: included in a tariff's price
    included_in: str | None
    details: str
    starts_on: date
    ends_on: date | None


@dataclass(frozen=True)
class Overview:
    """Everything the overview, the dashboard card, the operator's page and the API show about a contract."""

    contract: Contract
    today: date
    lines: list[ServiceLine]
    balance: int
    monthly_fee: int
    daily_cost: int
    days_left: int | None
    blocked: bool
    freeze: Freeze | None
    change: TariffChange | None
    promise: Promise | None
    money: BalanceView
    # The contract's termination (scheduled or done), if any: :class:`plugins.isp.models.Termination`.
    termination: Any = None

    @property
    def closed(self) -> bool:
        """The contract has ended: the subscriber may only read (statements, payments, the final balance)."""
        return self.contract.account.status == "closed"

    @property
    def legal(self) -> bool:
        return self.contract.is_legal

    @property
    def planned(self) -> list[str]:
        """What is planned on the contract, in words: a voluntary block, a tariff change (the dashboard's list)."""
        items = []
        upcoming_freeze = state.open_freeze(self.contract)
        if upcoming_freeze is not None and upcoming_freeze.starts_on > self.today:
            items.append(
                str(
                    _l(
                        "Voluntary block from %(first)s to %(last)s.",
                        first=_day(upcoming_freeze.starts_on),
                        last=_day(upcoming_freeze.last_day),
                    )
                )
            )
        if self.change is not None:
            items.append(
                str(
                    _l(
                        "Tariff change to «%(title)s» on %(day)s.",
                        title=self.change.to_product.title,
                        day=_day(self.change.effective_on),
                    )
                )
            )
        return items

    @property
    def category_title(self) -> str:
        return category_title_of(self.contract.category)


def active_promise(contract: Contract) -> Promise | None:
    """The contract's promised payment that is running now, if any (read once per request)."""
    return state.active_promise(contract)


def _details(sub: Subscription) -> str:
    product = sub.product
    if product.speed_mbps:
        return str(_l("%(speed)s Mbit/s", speed=product.speed_mbps))
    if product.channels:
        return str(_l("%(count)s channels", count=product.channels))
    return ""


def overview(contract: Contract, today: date) -> Overview:
    """Collect the contract's services with their status on ``today``, its fee, balance and days left."""
    freeze = state.freeze_on(contract, today)
    states = state.service_states(contract, today)
    by_id = {s.id: s for s in contract.subscriptions}
    lines = []
    for item in states:
        sub = item.subscription
        bundle = by_id.get(sub.bundled_with_id) if sub.bundled_with_id else None
        lines.append(
            ServiceLine(
                code=sub.product.code,
                title=sub.product.title,
                kind=sub.product.kind,
                kind_title=str(KIND_TITLES.get(sub.product.kind, sub.product.kind)),
                status=item.status,
                words=status_words(item.status, sub, item.change, freeze),
                monthly_fee=None if bundle is not None else sub.product.monthly_fee,
                included_in=bundle.product.title if bundle is not None else None,
                details=_details(sub),
                starts_on=sub.starts_on,
                ends_on=sub.ends_on,
            )
        )
    money = balance_view(current_tenant(), contract.account, today)
    return Overview(
        contract=contract,
        today=today,
        lines=lines,
        balance=money.balance,
        monthly_fee=monthly_fee(contract, today),
        daily_cost=daily_cost(contract, today),
        days_left=money.days_left,
        blocked=contract.is_blocked,
        freeze=freeze,
        change=state.pending_change(contract),
        promise=active_promise(contract),
        money=money,
        termination=state.last_termination(contract),
    )


def _onetime_offered() -> bool:
    """Whether the tenant offers any one-time service (the "order a service" link)."""

    def read() -> bool:
        return session.scalar(select(OneTimeService.id).where(OneTimeService.archived.is_(False)).limit(1)) is not None

    return process_cache().get(("isp.onetime_offered", current_tenant_id()), read)


def subscriber_links(tenant: Tenant, view: Overview) -> dict[str, Any]:
    """Where the subscriber can go from the overview; a page that does not exist (yet) is left out."""
    settings = plugin_settings(tenant, "isp")
    documents = optional_url("isp.documents") if view.legal else None
    if view.closed:  # read-only: the final statement and paying a remaining debt
        return {"pay": optional_url("money.pay"), "history": optional_url("money.history"), "documents": documents}
    return {
        "documents": documents,
        "onetime": optional_url("isp.onetime") if not view.legal and _onetime_offered() else None,
        "pay": optional_url("money.pay"),
        "promise": optional_url("isp.promise") if settings["promise_enabled"] and not view.legal else None,
        "support": optional_url("support.new"),
        "tariffs": optional_url("isp.tariffs"),
        "addons": optional_url("isp.addons") if not view.legal else None,
        "freeze": optional_url("isp.freeze") if settings["freeze_enabled"] and not view.legal else None,
        "history": optional_url("money.history"),
    }


@web.get("/")
@require("isp.use")
def services():
    contract = contract_of(current_account())
    if contract is None:
        return render_template("isp/contracts/services_none.html")
    view = overview(contract, tenant_today(current_tenant()))
    return render_template(
        "isp/contracts/services.html", view=view, links=subscriber_links(current_tenant(), view), accounts=my_accounts()
    )


def dashboard_widgets(tenant: Tenant, user: User) -> list:
    """The dashboard's cards: the block banner first (when blocked), then the services with their status."""
    from core.api import Widget

    if user is None or not can("isp.use"):
        return []
    contract = contract_of(current_account())
    if contract is None:
        return []
    view = overview(contract, tenant_today(tenant))
    links = subscriber_links(tenant, view)
    widgets = []
    if view.blocked:
        widgets.append(
            Widget(
                str(_l("Services are blocked")),
                render_template("isp/contracts/_widget_blocked.html", view=view, links=links),
                order=1,
            )
        )
    widgets.append(
        Widget(
            str(_l("Services")),
            render_template("isp/contracts/_widget_services.html", view=view, links=links),
            order=15,
        )
    )
    return widgets
