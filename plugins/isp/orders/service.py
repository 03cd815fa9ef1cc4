"""What a subscriber ordered, newest first, each with its status in words.

The orders are the rows the capabilities already keep (tariff changes, add-on subscriptions, promised
payments, voluntary blocks); nothing is stored twice. Status codes are stable (the API returns them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask_babel import format_date, lazy_pgettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.api import format_money, session
from plugins.isp.models import (
    ACTIVE,
    ADDON,
    APPLIED,
    CANCELLED,
    EXPIRED,
    FINISHED,
    PENDING,
    REPAID,
    SCHEDULED,
    TV_PACKAGE,
    Contract,
    Freeze,
    Promise,
    Subscription,
    TariffChange,
)

KIND_TITLES = {
    "tariff_change": _l("Tariff change"),
    "addon": _l("Add-on"),
    "promise": _l("Promised payment"),
    "freeze": _l("Voluntary block"),
}
STATUS_TITLES = {
    PENDING: _l("Waiting for its date"),
    APPLIED: _l("Done"),
    CANCELLED: _l("Cancelled"),
    ACTIVE: _l("In force"),
    REPAID: _l("Repaid"),
    EXPIRED: _l("Ended"),
    SCHEDULED: lazy_pgettext("service", "Scheduled"),
    FINISHED: _l("Finished"),
    "ended": _l("Switched off"),
}


@dataclass(frozen=True)
class Order:
    """One self-service order as the subscriber sees it."""

    kind: str
    ordered_at: datetime
    what: str
    status: str

    @property
    def kind_title(self) -> str:
        return str(KIND_TITLES[self.kind])

    @property
    def status_title(self) -> str:
        return str(STATUS_TITLES.get(self.status, self.status))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _day(day: date) -> str:
    return format_date(day, "d MMMM y")


def orders_of(contract: Contract, today: date) -> list[Order]:
    """The contract's orders, newest first."""
    orders = []
    for change in session.scalars(select(TariffChange).where(TariffChange.contract_id == contract.id)):
        what = _l("To «%(title)s» from %(day)s", title=change.to_product.title, day=_day(change.effective_on))
        orders.append(Order("tariff_change", _aware(change.created_at), str(what), change.status))
    for sub in session.scalars(select(Subscription).where(Subscription.contract_id == contract.id)):
        if sub.product.kind not in (ADDON, TV_PACKAGE) or sub.bundled_with_id is not None:
            continue
        status = SCHEDULED if sub.starts_on > today else "ended" if sub.ends_on and sub.ends_on < today else ACTIVE
        what = _l("«%(title)s» from %(day)s", title=sub.product.title, day=_day(sub.starts_on))
        orders.append(Order("addon", _aware(sub.created_at), str(what), status))
    for promise in session.scalars(select(Promise).where(Promise.contract_id == contract.id)):
        what = _l("%(amount)s until %(day)s", amount=format_money(promise.amount), day=_day(promise.due_at.date()))
        orders.append(Order("promise", _aware(promise.granted_at), str(what), promise.status))
    for freeze in session.scalars(select(Freeze).where(Freeze.contract_id == contract.id)):
        what = _l("From %(first)s to %(last)s", first=_day(freeze.starts_on), last=_day(freeze.last_day))
        orders.append(Order("freeze", _aware(freeze.created_at), str(what), freeze.status))
    return sorted(orders, key=lambda order: order.ordered_at, reverse=True)
