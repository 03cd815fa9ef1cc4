"""Tariff changes: which tariffs a subscriber may switch to, the quote, confirm, cancel, and the day it applies.

A confirmed change is written at once as subscriptions: the current tariff ends the day before
``effective_on`` and the new one starts on it, so the daily charging bills every day at the right
price without knowing about changes. The :class:`TariffChange` row stays ``pending`` (holding the
contract's ``pending_slot``) until ``effective_on``; cancelling it deletes the new, not yet started
subscription and reopens the old one.

Timing (per tenant, ``tariff_change_timing``): ``next_period`` starts the new tariff on the 1st of
next month; ``immediately`` starts it today. **Today stays at the old price when it is already
charged**: the new subscription is then marked charged through today, so the new price is charged
from tomorrow and nothing is refunded — the quote says so. The change fee (by direction: dearer,
cheaper, same price) is the only money taken at confirm; it needs that much on the balance, so a
paid change never pushes a subscriber into debt. Cancelling a pending change refunds its fee.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
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
from core.i18n import N_
from plugins.isp.calendar import days_in_month, first_of_next_month, prorated, tenant_today
from plugins.isp.contracts import end_subscription, subscribe, tariff_on
from plugins.isp.models import (
    APPLIED,
    CANCELLED,
    PENDING,
    TARIFF_KINDS,
    TV_PACKAGE,
    Contract,
    Product,
    Subscription,
    TariffChange,
)
from plugins.isp.refusals import Refusal, Refused
from plugins.isp.state import is_frozen, pending_change

REVENUE_SERVICE = "tariff_change"
NEXT_PERIOD = "next_period"
IMMEDIATELY = "immediately"
UP, DOWN, SAME = "up", "down", "same"
ONE_DAY = timedelta(days=1)

# Notification msgids, translated in the reader's locale by :func:`tell`.
N_ordered_title = N_("A tariff change for contract %(number)s is ordered")
N_ordered_body = N_("See the date and the new price on the tariffs page.")
N_changed_title = N_("The tariff of contract %(number)s has changed")
N_changed_body = N_("The new tariff is active. See the price on the tariffs page.")
N_cancelled_title = N_("The tariff change for contract %(number)s is cancelled")
N_cancelled_body = N_("The current tariff stays.")

KIND_TITLES = {"internet": _l("internet"), "tv": _l("TV")}


# ---------------------------------------------------------------------------------------------
# Refusal reasons shared by tariff changes and add-ons
# ---------------------------------------------------------------------------------------------


def legal_refusal() -> Refusal:
    return Refusal(
        "legal_entity",
        _l(
            "Legal entities change tariffs and services by a written application: "
            "send it from the tariffs page and confirm it with a signed letter."
        ),
    )


def blocked_refusal() -> Refusal:
    return Refusal(
        "blocked",
        _l("Services are blocked for debt. Top up the account or take a promised payment first."),
    )


def frozen_refusal() -> Refusal:
    return Refusal("frozen", _l("Services are voluntarily blocked. End the voluntary block first."))


def not_offered_refusal(product: Product) -> Refusal:
    return Refusal(
        "not_offered",
        _l("«%(title)s» is not offered to subscribers like you. Choose another one.", title=product.title),
    )


def archived_refusal(product: Product) -> Refusal:
    return Refusal(
        "archived", _l("«%(title)s» is no longer offered to new subscribers. Choose another one.", title=product.title)
    )


def is_offered(contract: Contract, product: Product) -> bool:
    """Whether ``product`` is offered to the contract's category and holder kind."""
    return contract.category in (product.categories or []) and contract.account.holder_kind in (
        product.holder_kinds or []
    )


def lock(contract: Contract) -> None:
    """Lock the contract's row for this transaction and reload it with its services.

    Two confirms of one contract (a double click, two devices) then run one after the other, and
    the second sees what the first did.
    """
    session.flush()
    session.expire_all()
    session.execute(select(Contract.id).where(Contract.id == contract.id).with_for_update())
    session.refresh(contract)


def tell(tenant: Tenant, contract: Contract, title: str, body: str, dedupe_key: str) -> None:
    """Notify the contract's users (``isp_tariff_change``); ``title``/``body`` are msgids formatted later."""
    for user in users_of_account(contract.account):
        with force_locale(user.locale or tenant.locale):
            text_title = _(title, number=contract.number)
            text_body = _(body)
        notify(user, "isp_tariff_change", text_title, text_body, dedupe_key=dedupe_key, tenant=tenant)


# ---------------------------------------------------------------------------------------------
# Which tariffs
# ---------------------------------------------------------------------------------------------


def current_tariffs(contract: Contract, today: date) -> list[Subscription]:
    """The contract's tariffs (internet, TV) running today, internet first."""
    found = [tariff_on(contract, kind, today) for kind in TARIFF_KINDS]
    return [s for s in found if s is not None]


def catalogue_tariffs(contract: Contract) -> list[Product]:
    """Every non-archived tariff offered to the contract's category and holder kind (what a legal entity reads)."""
    products = session.scalars(
        select(Product).where(Product.kind.in_(TARIFF_KINDS), Product.archived.is_(False)).order_by(Product.position)
    )
    return [p for p in products if is_offered(contract, p)]


def candidate_tariffs(tenant: Tenant, contract: Contract, current: Subscription) -> list[Product]:
    """The tariffs the tenant's rule lets ``current`` switch to (other limits are the quote's job)."""
    rule = plugin_settings(tenant, "isp")["tariff_change_rule"]
    products = session.scalars(
        select(Product)
        .where(Product.kind == current.product.kind, Product.id != current.product_id)
        .order_by(Product.position)
    )
    if rule == "matrix":
        allowed = set(current.product.allowed_changes or [])
        return [p for p in products if p.code in allowed]
    return [p for p in products if not p.archived and is_offered(contract, p)]


def tariff_by_code(code: str) -> Product | None:
    """A tariff of the tenant's catalogue by its code (``None`` if there is no such tariff)."""
    product = session.scalar(select(Product).where(Product.code == (code or "").strip()))
    return product if product is not None and product.is_tariff else None


# ---------------------------------------------------------------------------------------------
# The quote
# ---------------------------------------------------------------------------------------------


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
    return UP if new_fee > old_fee else DOWN if new_fee < old_fee else SAME


def fee_for(settings: dict, direction: str) -> int:
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
    quote.replaced_packages = _replaced_packages(contract, target, effective_on)
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
                    day=format_date(change.effective_on, "long"),
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


def _replaced_packages(contract: Contract, target: Product, effective_on: date) -> list[Subscription]:
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


# ---------------------------------------------------------------------------------------------
# Confirm, cancel, apply
# ---------------------------------------------------------------------------------------------


def confirm_change(
    tenant: Tenant, contract: Contract, target: Product, user: User | None, now: datetime | None = None
) -> TariffChange:
    """Order the change to ``target`` as quoted; raises :class:`Refused` (nothing changed) if refused.

    Takes the fee through the ledger (``isp:tariff_change:<id>:fee``). The caller commits.
    """
    now = now or utcnow()
    today = tenant_today(tenant, now)
    lock(contract)
    settle_due(tenant, contract, now)
    target = session.get(Product, target.id)
    quote = quote_change(tenant, contract, target, today)
    if not quote.ok:
        raise Refused(quote.reasons)
    change = _schedule(contract, quote.current, target, quote.effective_on, quote.fee, user, today, now)
    for package in quote.replaced_packages:
        end_subscription(package, quote.effective_on - ONE_DAY)
    if change.fee:
        ledger.transfer(
            f"isp:tariff_change:{change.id}:fee",
            "charge",
            contract.account.ledger_account,
            ledger.revenue_account(REVENUE_SERVICE),
            change.fee,
            service=REVENUE_SERVICE,
            period=f"{today:%Y-%m}",
            occurred_at=now,
            memo=f"Tariff change to «{target.title}»",
        )
    audit(
        "isp.tariff_change.order",
        "contract",
        contract.number,
        {"tariff": quote.current.product.code},
        {"tariff": target.code, "effective_on": quote.effective_on.isoformat(), "fee": change.fee},
    )
    if change.status == APPLIED:
        tell(tenant, contract, N_changed_title, N_changed_body, f"isp:tariff_change:{change.id}:applied")
    else:
        tell(tenant, contract, N_ordered_title, N_ordered_body, f"isp:tariff_change:{change.id}:ordered")
    return change


def _schedule(
    contract: Contract,
    current: Subscription | None,
    target: Product,
    effective_on: date,
    fee: int,
    user: User | None,
    today: date,
    now: datetime,
) -> TariffChange:
    """Write the change: the pending row (the slot decides "one at a time"), end the old, start the new."""
    if current is None:
        raise ValueError("nothing to change from")
    change = TariffChange(
        contract_id=contract.id,
        subscription_id=current.id,
        to_product_id=target.id,
        effective_on=effective_on,
        fee=fee,
        status=PENDING,
        pending_slot=contract.id,
        requested_by_id=user.id if user is not None else None,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(change)
            session.flush()
    except IntegrityError:
        raise Refused([Refusal("pending_change", _l("A tariff change is already ordered. Cancel it first."))]) from None
    end_subscription(current, effective_on - ONE_DAY)
    new = subscribe(contract, target, effective_on)
    if current.charged_through is not None and current.charged_through >= effective_on:
        # Those days are already charged at the old price: the new tariff is charged from the day after.
        for sub in [new, *[s for s in contract.subscriptions if s.bundled_with_id == new.id]]:
            sub.charged_through = current.charged_through
    if effective_on <= today:
        _mark_applied(change, now)
    session.flush()
    return change


def _mark_applied(change: TariffChange, now: datetime) -> None:
    change.status = APPLIED
    change.pending_slot = None
    change.decided_at = now


def cancel_change(tenant: Tenant, contract: Contract, user: User | None, now: datetime | None = None) -> TariffChange:
    """Cancel the contract's pending change: the new tariff never starts, the old one stays, the fee comes back.

    Raises :class:`Refused` when there is nothing to cancel. The caller commits.
    """
    now = now or utcnow()
    lock(contract)
    settle_due(tenant, contract, now)
    change = pending_change(contract)
    if change is None:
        raise Refused([Refusal("no_pending_change", _l("There is no ordered tariff change to cancel."))])
    day_before = change.effective_on - ONE_DAY
    target = change.to_product
    new = [
        s
        for s in contract.subscriptions
        if s.starts_on == change.effective_on and s.product_id == change.to_product_id and s.bundled_with_id is None
    ]
    doomed = [s for s in contract.subscriptions if s in new or s.bundled_with_id in {n.id for n in new}]
    for sub in sorted(doomed, key=lambda s: s.bundled_with_id is None):  # bundled packages first
        session.delete(sub)
        session.flush()
    old = change.subscription
    old.ends_on = None
    for sub in contract.subscriptions:
        if sub in doomed:
            continue
        if sub.bundled_with_id == old.id and sub.ends_on == day_before:
            sub.ends_on = None
        elif (
            sub.bundled_with_id is None
            and sub.product.kind == TV_PACKAGE
            and sub.product.code in (target.includes or [])
            and sub.ends_on == day_before
        ):
            sub.ends_on = None  # a separate package ended for the new tariff's bundle comes back
    change.status = CANCELLED
    change.pending_slot = None
    change.decided_at = now
    session.flush()
    session.expire(contract, ["subscriptions"])
    if change.fee:
        ledger.transfer(
            f"isp:tariff_change:{change.id}:fee_refund",
            "correction",
            ledger.revenue_account(REVENUE_SERVICE),
            contract.account.ledger_account,
            change.fee,
            service=REVENUE_SERVICE,
            period=f"{tenant_today(tenant, now):%Y-%m}",
            occurred_at=now,
            memo=f"Tariff change to «{target.title}» cancelled: fee returned",
        )
    audit("isp.tariff_change.cancel", "contract", contract.number, {"to": target.code}, None)
    tell(tenant, contract, N_cancelled_title, N_cancelled_body, f"isp:tariff_change:{change.id}:cancelled")
    return change


def settle_due(tenant: Tenant, contract: Contract, now: datetime | None = None) -> TariffChange | None:
    """Mark the contract's pending change applied once its day has come (the subscriptions are already there)."""
    now = now or utcnow()
    change = pending_change(contract)
    if change is None or change.effective_on > tenant_today(tenant, now):
        return None
    _mark_applied(change, now)
    session.flush()
    tell(tenant, contract, N_changed_title, N_changed_body, f"isp:tariff_change:{change.id}:applied")
    return change


def settle_all(tenant: Tenant, now: datetime) -> int:
    """Mark every change of ``tenant`` whose day has come applied; returns how many (the caller commits)."""
    today = tenant_today(tenant, now)
    due = session.scalars(
        select(TariffChange).where(TariffChange.status == PENDING, TariffChange.effective_on <= today)
    ).all()
    for change in due:
        settle_due(tenant, change.contract, now)
    return len(due)


def run_settle(now: datetime) -> dict[str, int]:
    """The job: apply due changes on every tenant with the isp plugin."""
    done = 0
    for tenant in tenants_with_plugin("isp"):
        with tenant_scope(tenant.id):
            done += settle_all(tenant, now)
            session.commit()
    return {"applied": done}


def jobs() -> list[Job]:
    return [Job("isp.tariff_changes.apply", run_settle, every_seconds=600)]


# ---------------------------------------------------------------------------------------------
# The operator applies a written application
# ---------------------------------------------------------------------------------------------


class OperatorChangeError(ValueError):
    """The operator's change could not be made; nothing was changed."""


def operator_change(
    tenant: Tenant, contract: Contract, target: Product, effective_on: date, operator: User | None, now: datetime
) -> TariffChange | Subscription:
    """Change the contract's tariff of ``target``'s kind to ``target`` from ``effective_on`` (or connect it).

    Skips the subscriber's limits (legal entity, debt, rule, fee) — it applies a written application —
    and is audited. Returns the :class:`TariffChange`, or the new subscription when there was no tariff
    of that kind. Raises :class:`OperatorChangeError`.
    """
    today = tenant_today(tenant, now)
    if not target.is_tariff:
        raise OperatorChangeError(_("Choose a tariff."))
    if effective_on < today:
        raise OperatorChangeError(_("The change cannot start in the past."))
    lock(contract)
    settle_due(tenant, contract, now)
    target = session.get(Product, target.id)
    if pending_change(contract) is not None:
        raise OperatorChangeError(_("A tariff change is already ordered: cancel it first."))
    current = tariff_on(contract, target.kind, effective_on) or tariff_on(contract, target.kind, today)
    if current is not None and current.product_id == target.id:
        raise OperatorChangeError(_("The contract already has this tariff."))
    if current is None:
        new = subscribe(contract, target, effective_on)
        audit("isp.tariff_change.operator", "contract", contract.number, None, {"tariff": target.code})
        return new
    if current.starts_on >= effective_on:
        raise OperatorChangeError(_("The current tariff starts later than that day."))
    for package in _replaced_packages(contract, target, effective_on):
        end_subscription(package, effective_on - ONE_DAY)
    change = _schedule(contract, current, target, effective_on, 0, operator, today, now)
    audit(
        "isp.tariff_change.operator",
        "contract",
        contract.number,
        {"tariff": current.product.code},
        {"tariff": target.code, "effective_on": effective_on.isoformat()},
    )
    if change.status == APPLIED:
        tell(tenant, contract, N_changed_title, N_changed_body, f"isp:tariff_change:{change.id}:applied")
    else:
        tell(tenant, contract, N_ordered_title, N_ordered_body, f"isp:tariff_change:{change.id}:ordered")
    return change


def ordered_change(contract: Contract, today: date) -> TariffChange | None:
    """The contract's change that is ordered and has not started yet (the one a subscriber may cancel)."""
    change = pending_change(contract)
    return change if change is not None and change.effective_on > today else None
