"""The voluntary block quote: what a block from one day to another would do, or why it is refused.

Staff (``by_staff=True``) act on a subscriber's written or phoned request, so they are not bound by
the subscriber's limits — enabled, legal entity, debt block, min/max days, how far ahead, cooldown,
minimum balance — but the hard facts still hold: one open block per contract, no start in the past,
the last day not before the first, something to freeze.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln

from core.api import Refusal, Tenant
from plugins.isp.common.calendar import prorated
from plugins.isp.contracts.service import subscriptions_on
from plugins.isp.contracts.state import open_freeze
from plugins.isp.freeze.rules import (
    BLOCKED_FOR_DEBT,
    COOLDOWN,
    DISABLED,
    END_BEFORE_START,
    FEE_DAILY,
    FEE_ONCE,
    LEGAL_ENTITY,
    LOW_BALANCE,
    NO_SERVICES,
    START_IN_PAST,
    START_TOO_FAR,
    TOO_LONG,
    TOO_SHORT,
    DayText,
    FreezeRules,
    MoneyText,
    already_frozen,
    last_block,
    rules,
)
from plugins.isp.models import Contract, Subscription


@dataclass(frozen=True)
class FreezeQuote:
    """What a voluntary block from ``starts_on`` to ``ends_on`` would do, or why it is refused."""

    starts_on: date
    ends_on: date
    days: int
    fee_kind: str
    fee: int  # the one-time amount, or the amount per day
    fee_total: int  # what the whole block costs in fees
    fee_charged_on: date | None  # the day a one-time fee is posted
    services: list[Subscription] = field(default_factory=list)
    services_cost: int = 0  # what the services would cost for these days (not charged while frozen)
    reasons: list[Refusal] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.reasons

    @property
    def resumes_on(self) -> date:
        """The first day services work again."""
        return self.ends_on + timedelta(days=1)


def quote(
    tenant: Tenant, contract: Contract, starts_on: date, ends_on: date, today: date, *, by_staff: bool = False
) -> FreezeQuote:
    """What freezing ``contract`` from ``starts_on`` to ``ends_on`` (inclusive) would do, or why not."""
    r = rules(tenant)
    reasons = _subscriber_limits(tenant, contract, r, starts_on, ends_on, today) if not by_staff else []
    reasons += _hard_limits(contract, starts_on, ends_on, today)
    days = max((ends_on - starts_on).days + 1, 0)
    services = subscriptions_on(contract, starts_on)
    if not services and not any(reason.code == START_IN_PAST for reason in reasons):
        reasons.append(Refusal(NO_SERVICES, _l("There are no services to block on that day.")))
    cost = sum(
        prorated(s.product.monthly_fee, max(starts_on, s.starts_on), min(ends_on, s.ends_on or ends_on))
        for s in services
        if s.bundled_with_id is None and days
    )
    total = r.fee if r.fee_kind == FEE_ONCE else r.fee * days if r.fee_kind == FEE_DAILY else 0
    return FreezeQuote(
        starts_on=starts_on,
        ends_on=ends_on,
        days=days,
        fee_kind=r.fee_kind,
        fee=r.fee,
        fee_total=total,
        fee_charged_on=starts_on if r.fee_kind == FEE_ONCE else None,
        services=services,
        services_cost=cost,
        reasons=_unique(reasons),
    )


def _subscriber_limits(
    tenant: Tenant, contract: Contract, r: FreezeRules, starts_on: date, ends_on: date, today: date
) -> list[Refusal]:
    if not r.enabled:
        return [Refusal(DISABLED, _l("This provider does not offer the voluntary block."))]
    if contract.is_legal:
        return [
            Refusal(
                LEGAL_ENTITY,
                _l("Legal entities cannot block services themselves: please send a written application."),
            )
        ]
    reasons = []
    if contract.is_blocked:
        reasons.append(
            Refusal(
                BLOCKED_FOR_DEBT,
                _l("Services are blocked for debt. Pay the debt first, then you can block them voluntarily."),
            )
        )
    latest = today + timedelta(days=r.max_start_ahead_days)
    if starts_on > latest:
        reasons.append(Refusal(START_TOO_FAR, _l("The block can start no later than %(day)s.", day=DayText(latest))))
    days = (ends_on - starts_on).days + 1
    if ends_on >= starts_on and days < r.min_days:
        reasons.append(
            Refusal(
                TOO_SHORT,
                _ln(
                    "The block must last at least %(num)d day.",
                    "The block must last at least %(num)d days.",
                    r.min_days,
                ),
            )
        )
    if days > r.max_days:
        reasons.append(
            Refusal(
                TOO_LONG,
                _ln("The block can last at most %(num)d day.", "The block can last at most %(num)d days.", r.max_days),
            )
        )
    previous = last_block(contract)
    if previous is not None:
        earliest = previous.last_day + timedelta(days=r.cooldown_days + 1)
        if starts_on < earliest:
            reasons.append(
                Refusal(
                    COOLDOWN,
                    _l(
                        "The previous block ended on %(end)s; the next one can start from %(day)s.",
                        end=DayText(previous.last_day),
                        day=DayText(earliest),
                    ),
                )
            )
    if contract.account.balance < r.min_balance:
        reasons.append(
            Refusal(
                LOW_BALANCE,
                _l(
                    "To start a voluntary block the balance must be at least %(amount)s; it is %(balance)s.",
                    amount=MoneyText(r.min_balance),
                    balance=MoneyText(contract.account.balance),
                ),
            )
        )
    return reasons


def _hard_limits(contract: Contract, starts_on: date, ends_on: date, today: date) -> list[Refusal]:
    reasons = []
    current = open_freeze(contract)
    if current is not None:
        reasons.append(already_frozen())
    if starts_on < today:
        reasons.append(Refusal(START_IN_PAST, _l("The start day has passed: choose today or a later day.")))
    if ends_on < starts_on:
        reasons.append(Refusal(END_BEFORE_START, _l("The last day must not be before the first day.")))
    return reasons


def _unique(reasons: list[Refusal]) -> list[Refusal]:
    seen: set[str] = set()
    return [r for r in reasons if not (r.code in seen or seen.add(r.code))]
