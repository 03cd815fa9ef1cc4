"""Voluntary block ("добровольная блокировка"): the subscriber freezes every service for a period.

The tenant's typed rules (``freeze_*`` settings, :class:`FreezeRules`) decide who may freeze, for
how long, how far ahead, how often and for what fee. The flow is quote-then-confirm:
:func:`quote` says what will happen or why not (:class:`~plugins.isp.refusals.Refusal`),
:func:`start` checks again and saves, :func:`end` ends a running block early or cancels a planned one.

Life of a :class:`~plugins.isp.models.Freeze`: *scheduled* → *active* on its first day (a one-time
fee is posted then, key ``isp:freeze:<id>:fee``) → *finished* after its last day; or *cancelled*
before it starts. :func:`advance` makes those moves and tells the subscriber; the ``isp.freezes`` job
runs it every five minutes and is the source of truth for notifications. Readers never wait for the
job: :func:`shown_status` and :func:`plugins.isp.state.freeze_on` go by the dates. The daily charge
run skips frozen days (or charges ``fee`` per day when ``fee_kind`` is ``daily``) from the row itself.

Staff (``by_staff=True``) act on a subscriber's written or phoned request, so they are not bound by
the subscriber's limits — enabled, legal entity, debt block, min/max days, how far ahead, cooldown,
minimum balance, self-unfreeze rules — but the hard facts still hold: one open block per contract,
no start in the past, the last day not before the first, something to freeze.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from core.api import (
    Job,
    Tenant,
    User,
    audit,
    format_money,
    ledger,
    notify,
    plugin_settings,
    session,
    tenant_scope,
    tenants_with_plugin,
    users_of_account,
    utcnow,
)
from plugins.isp import blocking
from plugins.isp.calendar import prorated, tenant_today, tenant_zone
from plugins.isp.contracts import subscriptions_on
from plugins.isp.models import ACTIVE, CANCELLED, FINISHED, SCHEDULED, Contract, Freeze, Subscription
from plugins.isp.refusals import Refusal, Refused
from plugins.isp.state import open_freeze

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


class _Day:
    """A date that prints in the reader's locale when the message is rendered (not when built)."""

    def __init__(self, day: date) -> None:
        self.day = day

    def __str__(self) -> str:
        return format_date(self.day, "long")


class _Money:
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
        reasons.append(Refusal(START_TOO_FAR, _l("The block can start no later than %(day)s.", day=_Day(latest))))
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
                        end=_Day(previous.last_day),
                        day=_Day(earliest),
                    ),
                )
            )
    if contract.account.balance < r.min_balance:
        reasons.append(
            Refusal(
                LOW_BALANCE,
                _l(
                    "To start a voluntary block the balance must be at least %(amount)s; it is %(balance)s.",
                    amount=_Money(r.min_balance),
                    balance=_Money(contract.account.balance),
                ),
            )
        )
    return reasons


def _hard_limits(contract: Contract, starts_on: date, ends_on: date, today: date) -> list[Refusal]:
    reasons = []
    current = open_freeze(contract)
    if current is not None:
        reasons.append(_already_frozen())
    if starts_on < today:
        reasons.append(Refusal(START_IN_PAST, _l("The start day has passed: choose today or a later day.")))
    if ends_on < starts_on:
        reasons.append(Refusal(END_BEFORE_START, _l("The last day must not be before the first day.")))
    return reasons


def _already_frozen() -> Refusal:
    return Refusal(ALREADY_FROZEN, _l("A voluntary block is already planned or running: end or cancel it first."))


def _unique(reasons: list[Refusal]) -> list[Refusal]:
    seen: set[str] = set()
    return [r for r in reasons if not (r.code in seen or seen.add(r.code))]


def start(
    tenant: Tenant,
    contract: Contract,
    user: User | None,
    starts_on: date,
    ends_on: date,
    today: date,
    *,
    by_staff: bool = False,
    waive_fee: bool = False,
    reason: str = "",
    now: datetime | None = None,
) -> Freeze:
    """Freeze ``contract`` from ``starts_on`` to ``ends_on``; raises :class:`Refused` (nothing saved).

    Checks the quote again; the unique ``open_slot`` decides between two concurrent requests.
    A block starting ``today`` is active at once (its one-time fee posted). Staff may waive the fee.
    Works in the caller's transaction; the caller commits (or rolls back on :class:`Refused`).
    """
    checked = quote(tenant, contract, starts_on, ends_on, today, by_staff=by_staff)
    if not checked.ok:
        raise Refused(checked.reasons)
    freeze = Freeze(
        contract_id=contract.id,
        starts_on=starts_on,
        ends_on=ends_on,
        status=SCHEDULED,
        open_slot=contract.id,
        fee_kind=FEE_NONE if waive_fee else checked.fee_kind,
        fee=0 if waive_fee else checked.fee,
        by_staff=by_staff,
        created_by_id=user.id if user is not None else None,
    )
    try:
        with session.begin_nested():
            session.add(freeze)
            session.flush()
    except IntegrityError:
        raise Refused([_already_frozen()]) from None
    audit(
        "isp.freeze.start",
        "contract",
        contract.number,
        None,
        {
            "freeze": freeze.id,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "fee_kind": freeze.fee_kind,
            "fee": freeze.fee,
            "by_staff": by_staff,
            "reason": reason,
        },
    )
    advance(tenant, freeze, now or utcnow(), today)
    if freeze.status == SCHEDULED:
        _tell(tenant, contract, "scheduled", freeze)
    return freeze


def end(
    tenant: Tenant,
    contract: Contract,
    user: User | None,
    today: date,
    *,
    by_staff: bool = False,
    reason: str = "",
    now: datetime | None = None,
) -> Freeze:
    """End the running block now (services work from ``today``) or cancel a planned one.

    Subscribers may cancel a planned block any time; ending a running one needs the tenant's
    ``freeze_self_unfreeze`` and ``freeze_unfreeze_min_days`` days since its start. Staff may always.
    Raises :class:`Refused`; works in the caller's transaction.
    """
    now = now or utcnow()
    freeze = open_freeze(contract)
    if freeze is not None:
        advance(tenant, freeze, now, today)
    if freeze is None or freeze.status not in (SCHEDULED, ACTIVE):
        raise Refused([Refusal(NOT_FROZEN, _l("There is no voluntary block to end."))])
    before = {"status": freeze.status, "ends_on": freeze.ends_on.isoformat()}
    if freeze.status == SCHEDULED:
        freeze.status = CANCELLED
        freeze.open_slot = None
        change = "cancelled"
    else:
        if not by_staff:
            refusal = self_unfreeze_refusal(tenant, freeze, today)
            if refusal is not None:
                raise Refused([refusal])
        freeze.ended_on = today - timedelta(days=1)
        freeze.status = FINISHED
        freeze.open_slot = None
        change = "finished"
    session.flush()
    audit(
        "isp.freeze.end",
        "contract",
        contract.number,
        before,
        {"freeze": freeze.id, "status": freeze.status, "by_staff": by_staff, "reason": reason},
    )
    _tell(tenant, contract, change, freeze)
    if change == "finished":
        blocking.refresh(tenant, contract, now)
    return freeze


def self_unfreeze_refusal(tenant: Tenant, freeze: Freeze, today: date) -> Refusal | None:
    """Why the subscriber may not end this running block today themselves (``None``: they may)."""
    r = rules(tenant)
    if not r.self_unfreeze:
        return Refusal(
            SELF_UNFREEZE_OFF, _l("Only the provider can end a voluntary block early: please contact support.")
        )
    earliest = freeze.starts_on + timedelta(days=r.unfreeze_min_days)
    if today < earliest:
        return Refusal(UNFREEZE_TOO_EARLY, _l("You can end the block yourself from %(day)s.", day=_Day(earliest)))
    return None


def shown_status(freeze: Freeze, today: date) -> str:
    """The block's status on ``today`` by its dates (does not wait for the job to move it)."""
    if freeze.status in (SCHEDULED, ACTIVE):
        if freeze.last_day < today:
            return FINISHED
        return ACTIVE if freeze.starts_on <= today else SCHEDULED
    return freeze.status


def advance(tenant: Tenant, freeze: Freeze, now: datetime, today: date | None = None) -> None:
    """Move ``freeze`` to where its dates say it is on ``today``; post the one-time fee; notify.

    Safe to repeat: the fee's key is ``isp:freeze:<id>:fee`` and notices are de-duplicated.
    """
    today = today or tenant_today(tenant, now)
    contract = freeze.contract
    if freeze.status == SCHEDULED and freeze.starts_on <= today:
        freeze.status = ACTIVE
        session.flush()
        _post_fee(tenant, freeze)
        _tell(tenant, contract, "started", freeze)
        blocking.refresh(tenant, contract, now)
    if freeze.status == ACTIVE and freeze.last_day < today:
        freeze.status = FINISHED
        freeze.open_slot = None
        session.flush()
        _tell(tenant, contract, "finished", freeze)
        blocking.refresh(tenant, contract, now)


def _post_fee(tenant: Tenant, freeze: Freeze) -> None:
    if freeze.fee_kind != FEE_ONCE or freeze.fee <= 0:
        return
    day = freeze.starts_on
    ledger.transfer(
        f"isp:freeze:{freeze.id}:fee",
        "charge",
        freeze.contract.account.ledger_account,
        ledger.revenue_account(REVENUE_SERVICE),
        freeze.fee,
        service=REVENUE_SERVICE,
        period=f"{day.year:04d}-{day.month:02d}",
        occurred_at=datetime.combine(day, time(0, 0), tenant_zone(tenant)),
        memo=f"Voluntary block {freeze.starts_on.isoformat()}..{freeze.ends_on.isoformat()}",
    )


def _tell(tenant: Tenant, contract: Contract, change: str, freeze: Freeze) -> None:
    for user in users_of_account(contract.account):
        with force_locale(user.locale or tenant.locale):
            first, last = format_date(freeze.starts_on, "long"), format_date(freeze.last_day, "long")
            if change == "scheduled":
                title = _("Voluntary block planned from %(first)s to %(last)s", first=first, last=last)
                body = _("Services of contract %(number)s will stop on %(first)s.", number=contract.number, first=first)
            elif change == "started":
                title = _("Your services are frozen until %(last)s", last=last)
                body = _("Services of contract %(number)s are voluntarily blocked.", number=contract.number)
                if freeze.fee_kind == FEE_ONCE and freeze.fee:
                    body += " " + _("The block fee of %(fee)s is charged.", fee=format_money(freeze.fee))
            elif change == "cancelled":
                title = _("The voluntary block from %(first)s is cancelled", first=first)
                body = _("Services of contract %(number)s keep working.", number=contract.number)
            else:
                title = _("Your services are active again")
                body = _("The voluntary block of contract %(number)s has ended.", number=contract.number)
        notify(user, "isp_freeze", title, body, dedupe_key=f"isp:freeze:{freeze.id}:{change}", tenant=tenant)


def due_freezes(today: date) -> list[Freeze]:
    """Blocks of the current tenant whose status is behind their dates on ``today``."""
    return list(
        session.scalars(
            select(Freeze)
            .where(
                or_(
                    (Freeze.status == SCHEDULED) & (Freeze.starts_on <= today),
                    (Freeze.status == ACTIVE) & (func.coalesce(Freeze.ended_on, Freeze.ends_on) < today),
                )
            )
            .order_by(Freeze.id)
        )
    )


def run_freezes(now: datetime) -> dict[str, int]:
    """The ``isp.freezes`` job: start and finish blocks on their days in every isp tenant. Idempotent."""
    moved = 0
    for tenant in tenants_with_plugin("isp"):
        with tenant_scope(tenant.id):
            today = tenant_today(tenant, now)
            for freeze in due_freezes(today):
                advance(tenant, freeze, now, today)
                moved += 1
            session.commit()
    return {"moved": moved}


def jobs() -> list[Job]:
    """The plugin's freeze job (every five minutes)."""
    return [Job("isp.freezes", run_freezes, every_seconds=300)]
