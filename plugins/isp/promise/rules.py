"""The promised-payment rules as one pure function: facts in, a quote or the reasons out.

:func:`decide` reads no database and no clock, so every refusal reason is reachable in a test by
building :class:`PromiseFacts` by hand. :mod:`plugins.isp.promise.service` gathers the facts and acts.

The amount is the tenant's rule as configured — a fixed sum, or the monthly fee of the active
services capped by ``promise_amount`` — and never more. A promise that would leave the balance
below zero would not restore the services, so it is refused with the sum to pay first
(``amount_too_small``) rather than granted for nothing: that is what a subscriber of a Russian ISP
sees ("недостаточно суммы обещанного платежа, внесите …").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import LazyString, format_date, format_datetime, ngettext
from flask_babel import gettext as _

from core.api import Refusal, format_money
from plugins.isp.common.calendar import first_of_next_month

# Refusal codes (stable: the API returns them and tests name them).
DISABLED = "disabled"
LEGAL_ENTITY = "legal_entity"
NO_SERVICES = "no_services"
ALREADY_ACTIVE = "already_active"
FROZEN = "frozen"
NOT_IN_DEBT = "not_in_debt"
DEBT_TOO_LARGE = "debt_too_large"
ACCOUNT_TOO_NEW = "account_too_new"
NOT_REPAID = "not_repaid"
TOO_OFTEN = "too_often"
AMOUNT_TOO_SMALL = "amount_too_small"
CODES = (
    DISABLED,
    LEGAL_ENTITY,
    NO_SERVICES,
    ALREADY_ACTIVE,
    FROZEN,
    NOT_IN_DEBT,
    DEBT_TOO_LARGE,
    ACCOUNT_TOO_NEW,
    NOT_REPAID,
    TOO_OFTEN,
    AMOUNT_TOO_SMALL,
)


@dataclass(frozen=True)
class PromiseFacts:
    """What the rules look at, read from the database at one moment (``now``, aware)."""

    now: datetime
    zone: ZoneInfo
    balance: int
    monthly_fee: int
    is_legal: bool = False
    blocked: bool = False
    frozen: bool = False
    opened_on: date | None = None
    active_until: datetime | None = None  # due_at of the active promise, if one is active
    last_granted_at: datetime | None = None  # the latest promise of the contract, any status
    last_unrepaid: bool = False  # the latest closed promise ended with the balance below zero

    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()


@dataclass(frozen=True)
class PromiseQuote:
    """What a promised payment would do now, or why it is refused (``reasons`` not empty)."""

    amount: int
    fee: int
    until: datetime  # aware, in the tenant's zone
    balance: int
    reasons: list[Refusal] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.reasons

    @property
    def balance_after(self) -> int:
        """The balance right after the grant (credit in, fee out)."""
        return self.balance + self.amount - self.fee

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.reasons]


def _reason(code: str, words: Callable[[], str]) -> Refusal:
    # Rendered when shown, so the words, dates and money follow the reader's locale.
    return Refusal(code, LazyString(words))


def _day(day: date) -> str:
    return format_date(day, "d MMMM y")


def _moment(moment: datetime) -> str:
    return format_datetime(moment, "short", rebase=False)


def promise_amount(settings: Mapping[str, Any], monthly_fee: int) -> int:
    """The amount the tenant's rule gives: fixed, or the monthly fee of active services capped."""
    if settings["promise_amount_kind"] == "fixed":
        return settings["promise_amount"]
    return min(monthly_fee, settings["promise_amount"])


def next_possible(settings: Mapping[str, Any], last_granted_on: date) -> date:
    """The first day a new promise is allowed after one granted on ``last_granted_on`` (tenant's day)."""
    if settings["promise_frequency"] == "calendar_month":
        return first_of_next_month(last_granted_on)
    return last_granted_on + timedelta(days=settings["promise_frequency_days"])


def decide(facts: PromiseFacts, settings: Mapping[str, Any]) -> PromiseQuote:
    """Apply the tenant's promised-payment rules to ``facts``; every reason that applies is listed.

    A reason that makes the others meaningless (not offered, legal entity, no services, one already
    active) is given alone.
    """
    amount = promise_amount(settings, facts.monthly_fee)
    fee = settings["promise_fee"]
    until = (facts.now + timedelta(days=settings["promise_days"])).astimezone(facts.zone)
    only = _gate(facts, settings, amount)
    if only is not None:
        return PromiseQuote(amount, fee, until, facts.balance, [only])
    reasons: list[Refusal] = []
    debt = max(0, -facts.balance)
    if facts.frozen:
        reasons.append(
            _reason(
                FROZEN,
                lambda: _(
                    "Your services are voluntarily blocked. End the voluntary block to use them again; "
                    "a promised payment does not end it."
                ),
            )
        )
    if settings["promise_only_in_debt"] and facts.balance >= 0 and not facts.blocked:
        reasons.append(
            _reason(
                NOT_IN_DEBT,
                lambda: _(
                    "Your balance is %(balance)s and your services are active: you do not need a promised payment.",
                    balance=format_money(facts.balance),
                ),
            )
        )
    limit = facts.monthly_fee * settings["promise_max_debt_share"] // 100
    if debt > limit:
        reasons.append(
            _reason(
                DEBT_TOO_LARGE,
                lambda: _(
                    "Your debt of %(debt)s is larger than a promised payment may cover (%(limit)s). "
                    "Pay at least %(pay)s to take one, or pay the whole debt to restore services.",
                    debt=format_money(debt),
                    limit=format_money(limit),
                    pay=format_money(debt - limit),
                ),
            )
        )
    elif facts.balance + amount - fee < 0:
        short = -(facts.balance + amount - fee)
        reasons.append(
            _reason(
                AMOUNT_TOO_SMALL,
                lambda: _(
                    "A promised payment of %(amount)s would not bring your balance of %(balance)s to zero, "
                    "so services would stay blocked. Pay at least %(pay)s first, then take the promised payment.",
                    amount=format_money(amount),
                    balance=format_money(facts.balance),
                    pay=format_money(short),
                ),
            )
        )
    min_age = settings["promise_min_account_age_days"]
    if facts.opened_on is not None and (facts.today - facts.opened_on).days < min_age:
        ready = facts.opened_on + timedelta(days=min_age)
        reasons.append(
            _reason(
                ACCOUNT_TOO_NEW,
                lambda: ngettext(
                    "A promised payment is available to contracts older than %(num)s day: yours from %(day)s. "
                    "Until then, top up the account to restore services.",
                    "A promised payment is available to contracts older than %(num)s days: yours from %(day)s. "
                    "Until then, top up the account to restore services.",
                    min_age,
                    day=_day(ready),
                ),
            )
        )
    if settings["promise_requires_repaid"] and facts.last_unrepaid:
        reasons.append(
            _reason(
                NOT_REPAID,
                lambda: _(
                    "Your last promised payment was not repaid in time. Pay the debt of %(debt)s; "
                    "after that promised payments are available again.",
                    debt=format_money(debt),
                ),
            )
        )
    if facts.last_granted_at is not None:
        last_day = facts.last_granted_at.astimezone(facts.zone).date()
        ready = next_possible(settings, last_day)
        if facts.today < ready:
            reasons.append(_too_often(settings, ready))
    return PromiseQuote(amount, fee, until, facts.balance, reasons)


def _gate(facts: PromiseFacts, settings: Mapping[str, Any], amount: int) -> Refusal | None:
    if not settings["promise_enabled"] or (settings["promise_amount_kind"] == "fixed" and amount <= 0):
        return _reason(
            DISABLED,
            lambda: _("Your provider does not offer a promised payment. Top up the account to restore services."),
        )
    if facts.is_legal:
        return _reason(
            LEGAL_ENTITY,
            lambda: _(
                "A promised payment is not available to legal entities. Pay the invoice to restore services; "
                "for a deferral, write to support."
            ),
        )
    if facts.monthly_fee <= 0 or amount <= 0:
        return _reason(
            NO_SERVICES,
            lambda: _("There are no paid services on your contract, so there is nothing to restore."),
        )
    if facts.active_until is not None:
        return already_active(facts.active_until, facts.zone)
    return None


def already_active(due_at: datetime, zone: ZoneInfo) -> Refusal:
    """The reason given while a promise is active (also when a concurrent request won the race)."""
    until = due_at.astimezone(zone)
    return _reason(
        ALREADY_ACTIVE,
        lambda: _(
            "A promised payment is already active until %(until)s. Top up the account before then "
            "so that services are not blocked again.",
            until=_moment(until),
        ),
    )


def _too_often(settings: Mapping[str, Any], ready: date) -> Refusal:
    if settings["promise_frequency"] == "calendar_month":
        return _reason(
            TOO_OFTEN,
            lambda: _(
                "A promised payment can be taken once a calendar month. The next one is possible from %(day)s.",
                day=_day(ready),
            ),
        )
    return _reason(
        TOO_OFTEN,
        lambda: ngettext(
            "A promised payment can be taken once in %(num)s day. The next one is possible from %(day)s.",
            "A promised payment can be taken once in %(num)s days. The next one is possible from %(day)s.",
            settings["promise_frequency_days"],
            day=_day(ready),
        ),
    )
