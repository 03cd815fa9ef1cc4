"""The voluntary block's rules: the tenant's ``freeze_*`` settings, the refusal codes, and the limits in time.

Who may freeze, for how long, how far ahead, how often and for what fee are per-tenant settings
read as :class:`FreezeRules`. The refusal codes are stable: the API returns them, tests reach each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.api import Refusal, Tenant, format_money, plugin_settings, session
from plugins.isp.models import FINISHED, Contract, Freeze

FEE_NONE = "none"
FEE_ONCE = "once"
FEE_DAILY = "daily"
REVENUE_SERVICE = "freeze"

# Refusal codes (stable: the API returns them, tests reach each one).
DISABLED = "freeze_disabled"
LEGAL_ENTITY = "legal_entity"
BLOCKED_FOR_DEBT = "blocked_for_debt"
ALREADY_FROZEN = "already_frozen"
START_IN_PAST = "start_in_past"
START_TOO_FAR = "start_too_far"
END_BEFORE_START = "end_before_start"
TOO_SHORT = "too_short"
TOO_LONG = "too_long"
COOLDOWN = "cooldown"
LOW_BALANCE = "low_balance"
NO_SERVICES = "no_services"
NOT_FROZEN = "not_frozen"
SELF_UNFREEZE_OFF = "self_unfreeze_off"
UNFREEZE_TOO_EARLY = "unfreeze_too_early"
START_REFUSALS = (
    DISABLED,
    LEGAL_ENTITY,
    BLOCKED_FOR_DEBT,
    ALREADY_FROZEN,
    START_IN_PAST,
    START_TOO_FAR,
    END_BEFORE_START,
    TOO_SHORT,
    TOO_LONG,
    COOLDOWN,
    LOW_BALANCE,
    NO_SERVICES,
)
END_REFUSALS = (NOT_FROZEN, SELF_UNFREEZE_OFF, UNFREEZE_TOO_EARLY)


class DayText:
    """A date that prints in the reader's locale when the message is rendered (not when built)."""

    def __init__(self, day: date) -> None:
        self.day = day

    def __str__(self) -> str:
        return format_date(self.day, "d MMMM y")


class MoneyText:
    """An amount that prints in the reader's locale when the message is rendered (not when built)."""

    def __init__(self, amount: int) -> None:
        self.amount = amount

    def __str__(self) -> str:
        return format_money(self.amount)


@dataclass(frozen=True)
class FreezeRules:
    """The tenant's voluntary-block rules, as the subscriber's page explains them."""

    enabled: bool
    min_days: int
    max_days: int
    fee_kind: str
    fee: int
    cooldown_days: int
    min_balance: int
    self_unfreeze: bool
    unfreeze_min_days: int
    max_start_ahead_days: int


def rules(tenant: Tenant) -> FreezeRules:
    """The tenant's ``freeze_*`` settings."""
    s = plugin_settings(tenant, "isp")
    return FreezeRules(
        enabled=s["freeze_enabled"],
        min_days=s["freeze_min_days"],
        max_days=s["freeze_max_days"],
        fee_kind=s["freeze_fee_kind"] if s["freeze_fee"] else FEE_NONE,
        fee=s["freeze_fee"] if s["freeze_fee_kind"] != FEE_NONE else 0,
        cooldown_days=s["freeze_cooldown_days"],
        min_balance=s["freeze_min_balance"],
        self_unfreeze=s["freeze_self_unfreeze"],
        unfreeze_min_days=s["freeze_unfreeze_min_days"],
        max_start_ahead_days=s["freeze_max_start_ahead_days"],
    )


def last_block(contract: Contract) -> Freeze | None:
    """The contract's most recent block that actually ran (finished), for the cooldown."""
    return session.scalar(
        select(Freeze)
        .where(Freeze.contract_id == contract.id, Freeze.status == FINISHED)
        .order_by(func.coalesce(Freeze.ended_on, Freeze.ends_on).desc(), Freeze.id.desc())
        .limit(1)
    )


def earliest_start(tenant: Tenant, contract: Contract, today: date) -> date:
    """The first day a new block may start under the cooldown (``today`` when there is none)."""
    previous = last_block(contract)
    if previous is None:
        return today
    return max(today, previous.last_day + timedelta(days=rules(tenant).cooldown_days + 1))


def already_frozen() -> Refusal:
    """A block is already planned or running (one open block per contract)."""
    return Refusal(ALREADY_FROZEN, _l("A voluntary block is already planned or running: end or cancel it first."))


def self_unfreeze_refusal(tenant: Tenant, freeze: Freeze, today: date) -> Refusal | None:
    """Why the subscriber may not end this running block today themselves (``None``: they may)."""
    r = rules(tenant)
    if not r.self_unfreeze:
        return Refusal(
            SELF_UNFREEZE_OFF, _l("Only the provider can end a voluntary block early: please contact support.")
        )
    earliest = freeze.starts_on + timedelta(days=r.unfreeze_min_days)
    if today < earliest:
        return Refusal(UNFREEZE_TOO_EARLY, _l("You can end the block yourself from %(day)s.", day=DayText(earliest)))
    return None
