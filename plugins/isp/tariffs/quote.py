"""The tariff change quote: new price, start day, money taken now — or the reasons it is refused.

Timing (per tenant, ``tariff_change_timing``): ``next_period`` starts the new tariff on the 1st of
next month; ``immediately`` starts it today. **Today stays at the old price when it is already
charged**: the new price is then charged from tomorrow and nothing is refunded — the quote says so.
The change fee (by direction: dearer, cheaper, same price) is the only money taken at confirm; it
needs that much on the balance, so a paid change never pushes a subscriber into debt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from core.api import Refusal, Tenant, format_money, plugin_settings
from plugins.isp.common.calendar import days_in_month, first_of_next_month, prorated
from plugins.isp.contracts.service import tariff_on
from plugins.isp.contracts.state import is_frozen, pending_change
from plugins.isp.models import TV_PACKAGE, Contract, Product, Subscription
from plugins.isp.tariffs.options import is_offered
from plugins.isp.tariffs.refusals import (
    archived_refusal,
    blocked_refusal,
    frozen_refusal,
    legal_refusal,
    not_offered_refusal,
)

NEXT_PERIOD = "next_period"
IMMEDIATELY = "immediately"
UP, DOWN, SAME = "up", "down", "same"
ONE_DAY = timedelta(days=1)

KIND_TITLES = {"internet": _l("internet"), "tv": _l("TV")}


@dataclass
class TariffQuote:
    """What a change to ``target`` would do, or why it is refused (``reasons``)."""

    contract: Contract
    target: Product
    current: Subscription | None
    today: date
    timing: str
    effective_on: date
    fee: int
    direction: str
    # Immediate change on a day already charged at the old price: the new price starts tomorrow.
    today_at_old_price: bool = False
    # Immediate change: the rest of this month at the new and at the old price (for the words).
    rest_of_month_new: int = 0
    rest_of_month_old: int = 0
    # Separately connected packages the new tariff includes: they end when it starts.
    replaced_packages: list[Subscription] = field(default_factory=list)
    reasons: list[Refusal] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.reasons

    @property
    def charged_now(self) -> int:
        """Money taken at confirm: the change fee (daily charging does the rest)."""
        return self.fee

    @property
    def new_price_from(self) -> date:
        """The first day charged at the new price."""
        return self.effective_on + ONE_DAY if self.today_at_old_price else self.effective_on

    @property
    def month_end(self) -> date:
        return self.today.replace(day=days_in_month(self.today))

    @property
    def old_price(self) -> int:
        return self.current.product.monthly_fee if self.current else 0


def direction_of(old_fee: int, new_fee: int) -> str:
    """Whether the new monthly fee is dearer (``up``), cheaper (``down``) or the same."""
    return UP if new_fee > old_fee else DOWN if new_fee < old_fee else SAME


def fee_for(settings: dict, direction: str) -> int:
    """The tenant's change fee for that direction."""
    return int(settings[f"tariff_change_fee_{direction}"])


def quote_change(tenant: Tenant, contract: Contract, target: Product, today: date) -> TariffQuote:
    """Quote a subscriber's change to ``target``: new price, start day, money taken now, or the reasons."""
    settings = plugin_settings(tenant, "isp")
    timing = settings["tariff_change_timing"]
    current = tariff_on(contract, target.kind, today) if target.is_tariff else None
    old_fee = current.product.monthly_fee if current else 0
    direction = direction_of(old_fee, target.monthly_fee)
    fee = fee_for(settings, direction)
    effective_on = today if timing == IMMEDIATELY else first_of_next_month(today)
    quote = TariffQuote(contract, target, current, today, timing, effective_on, fee, direction)
    quote.today_at_old_price = bool(
        timing == IMMEDIATELY and current is not None and current.charged_through and current.charged_through >= today
    )
    if timing == IMMEDIATELY and quote.new_price_from <= quote.month_end:
        quote.rest_of_month_new = prorated(target.monthly_fee, quote.new_price_from, quote.month_end)
        quote.rest_of_month_old = prorated(old_fee, quote.new_price_from, quote.month_end)
    quote.replaced_packages = replaced_packages(contract, target, effective_on)
    quote.reasons = _reasons(tenant, contract, current, target, today, fee, settings["tariff_change_rule"])
    return quote


def _reasons(
    tenant: Tenant, contract: Contract, current: Subscription | None, target: Product, today: date, fee: int, rule: str
) -> list[Refusal]:
    if contract.is_legal:
        return [legal_refusal()]
    reasons: list[Refusal] = []
    if contract.is_blocked:
        reasons.append(blocked_refusal())
    if is_frozen(contract, today):
        reasons.append(frozen_refusal())
    change = pending_change(contract)
    if change is not None and change.effective_on > today:  # one whose day has come is applied already
        reasons.append(
            Refusal(
                "pending_change",
                _l(
                    "A change to «%(title)s» from %(day)s is already ordered. Cancel it first to choose another.",
                    title=change.to_product.title,
                    day=format_date(change.effective_on, "d MMMM y"),
                ),
            )
        )
    if current is None:
        reasons.append(
            Refusal(
                "no_current_tariff",
                _l(
                    "You have no %(kind)s tariff to change. To connect one, write to support.",
                    kind=KIND_TITLES.get(target.kind, target.kind),
                ),
            )
        )
    elif current.product_id == target.id:
        reasons.append(Refusal("same_tariff", _l("This is your tariff already. Choose another one.")))
    else:
        if target.kind != current.product.kind or (
            rule == "matrix" and target.code not in (current.product.allowed_changes or [])
        ):
            reasons.append(
                Refusal(
                    "not_allowed",
                    _l(
                        "A change from «%(current)s» to «%(title)s» is not possible. Choose one of those offered.",
                        current=current.product.title,
                        title=target.title,
                    ),
                )
            )
    if target.archived:
        reasons.append(archived_refusal(target))
    if not is_offered(contract, target):
        reasons.append(not_offered_refusal(target))
    balance = contract.account.balance
    if fee > 0 and balance < fee:
        reasons.append(
            Refusal(
                "insufficient_funds",
                _l(
                    "The change costs %(fee)s and the balance is %(balance)s. Top up by %(missing)s first.",
                    fee=format_money(fee),
                    balance=format_money(balance),
                    missing=format_money(fee - balance),
                ),
            )
        )
    return reasons


def replaced_packages(contract: Contract, target: Product, effective_on: date) -> list[Subscription]:
    """Separately connected TV packages that ``target`` includes and that would still run on ``effective_on``."""
    included = set(target.includes or [])
    return [
        s
        for s in contract.subscriptions
        if s.bundled_with_id is None
        and s.product.kind == TV_PACKAGE
        and s.product.code in included
        and s.starts_on < effective_on
        and (s.ends_on is None or s.ends_on >= effective_on)
    ]
