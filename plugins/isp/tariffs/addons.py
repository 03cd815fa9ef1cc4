"""Add-ons and extra TV packages: connect and disconnect with a quote first.

A connected add-on starts by its product's ``start_rule`` (the next day or the 1st of next month);
nothing is taken at once — the daily charging charges it from its first day. Disconnecting ends it
after today (today is paid), or removes an order that has not started yet. A package included in
the TV tariff's price (a bundle) cannot be removed on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.api import N_, Refusal, Refused, Tenant, User, audit, session, utcnow
from plugins.isp.common.calendar import days_in_month, first_of_next_month, prorated, tenant_today
from plugins.isp.common.contract_lock import lock_contract
from plugins.isp.contracts.service import end_subscription, subscribe, tariff_on
from plugins.isp.models import ADDON, NEXT_MONTH, TV, TV_PACKAGE, Contract, Product, Subscription
from plugins.isp.tariffs.notices import tell
from plugins.isp.tariffs.options import is_offered
from plugins.isp.tariffs.refusals import archived_refusal, blocked_refusal, legal_refusal, not_offered_refusal

ADDON_KINDS = (ADDON, TV_PACKAGE)
CONNECT = "connect"
DISCONNECT = "disconnect"
ACTIONS = (CONNECT, DISCONNECT)
ONE_DAY = timedelta(days=1)

N_connected_title = N_("A service is ordered on contract %(number)s")
N_connected_body = N_("See its start date and price on the additional services page.")
N_disconnected_title = N_("A service is disconnected on contract %(number)s")
N_disconnected_body = N_("See your services on the additional services page.")


def addon_by_code(code: str) -> Product | None:
    """An add-on or TV package of the tenant's catalogue by its code (``None`` if there is none)."""
    product = session.scalar(select(Product).where(Product.code == (code or "").strip()))
    return product if product is not None and product.kind in ADDON_KINDS else None


def catalogue_addons(contract: Contract) -> list[Product]:
    """Non-archived add-ons and TV packages offered to the contract's category and holder kind."""
    products = session.scalars(
        select(Product).where(Product.kind.in_(ADDON_KINDS), Product.archived.is_(False)).order_by(Product.position)
    )
    return [p for p in products if is_offered(contract, p)]


def start_day(product: Product, today: date) -> date:
    """When an add-on ordered ``today`` starts (its start rule)."""
    return first_of_next_month(today) if product.start_rule == NEXT_MONTH else today + ONE_DAY


def live_subscriptions(contract: Contract, product: Product, today: date) -> list[Subscription]:
    """The contract's subscriptions of ``product`` that run today or later."""
    return [
        s for s in contract.subscriptions if s.product_id == product.id and (s.ends_on is None or s.ends_on >= today)
    ]


def bundling_tariff(contract: Contract, subscription: Subscription) -> Product | None:
    """The tariff whose price includes ``subscription`` (``None`` for a separately connected one)."""
    if subscription.bundled_with_id is None:
        return None
    owner = next((s for s in contract.subscriptions if s.id == subscription.bundled_with_id), None)
    return owner.product if owner is not None else None


@dataclass
class AddonQuote:
    """What connecting or disconnecting ``product`` would do, or why it is refused (``reasons``)."""

    contract: Contract
    product: Product
    action: str
    today: date
    # connect: the first day; disconnect: the last day (None when an order that has not started is removed)
    starts_on: date | None = None
    last_day: date | None = None
    subscription: Subscription | None = None
    reasons: list[Refusal] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.reasons

    @property
    def charged_now(self) -> int:
        """Nothing is taken at once: the daily charging charges the service from its first day."""
        return 0

    @property
    def removes_order(self) -> bool:
        """Disconnecting a service that has not started yet: the order is simply removed."""
        return self.subscription is not None and self.subscription.starts_on > self.today

    @property
    def first_month_cost(self) -> int:
        """Connect: what the days from the start to the end of that month cost."""
        if self.starts_on is None:
            return 0
        return prorated(
            self.product.monthly_fee, self.starts_on, self.starts_on.replace(day=days_in_month(self.starts_on))
        )


def quote_addon(contract: Contract, product: Product, action: str, today: date) -> AddonQuote:
    """Quote connecting or disconnecting ``product``: start or last day, price, or the reasons."""
    if action not in ACTIONS:
        raise ValueError(action)
    quote = AddonQuote(contract, product, action, today)
    if contract.is_legal:
        quote.reasons = [legal_refusal()]
        return quote
    reasons: list[Refusal] = []
    if contract.is_blocked:
        reasons.append(blocked_refusal())
    live = live_subscriptions(contract, product, today)
    if action == CONNECT:
        quote.starts_on = start_day(product, today)
        bundled = next((s for s in live if s.bundled_with_id is not None), None)
        if bundled is not None:
            tariff = bundling_tariff(contract, bundled)
            reasons.append(
                Refusal(
                    "included_in_tariff",
                    _l(
                        "«%(title)s» is already included in your tariff «%(tariff)s».",
                        title=product.title,
                        tariff=tariff.title if tariff else "",
                    ),
                )
            )
        elif live:
            reasons.append(
                Refusal(
                    "already_connected",
                    _l("«%(title)s» is already connected. See it in the list of your services.", title=product.title),
                )
            )
        if product.kind == TV_PACKAGE and tariff_on(contract, TV, quote.starts_on) is None:
            reasons.append(Refusal("needs_tv_tariff", _l("TV packages need a TV tariff. Connect a TV tariff first.")))
        if product.archived:
            reasons.append(archived_refusal(product))
        if not is_offered(contract, product):
            reasons.append(not_offered_refusal(product))
    else:
        own = next((s for s in live if s.bundled_with_id is None), None)
        bundled = next((s for s in live if s.bundled_with_id is not None), None)
        if own is not None and own.ends_on is not None and own.ends_on <= today:
            reasons.append(
                Refusal(
                    "already_disconnected",
                    _l("«%(title)s» is already disconnected from tomorrow.", title=product.title),
                )
            )
        elif own is not None:
            quote.subscription = own
            quote.last_day = None if own.starts_on > today else today
        elif bundled is not None:
            tariff = bundling_tariff(contract, bundled)
            reasons.append(
                Refusal(
                    "bundled",
                    _l(
                        "«%(title)s» is included in your tariff «%(tariff)s» and cannot be removed on its own. "
                        "Change the tariff to one without it.",
                        title=product.title,
                        tariff=tariff.title if tariff else "",
                    ),
                )
            )
        else:
            reasons.append(
                Refusal(
                    "not_connected",
                    _l("«%(title)s» is not connected, so there is nothing to disconnect.", title=product.title),
                )
            )
    quote.reasons = reasons
    return quote


def _checked_quote(tenant: Tenant, contract: Contract, product: Product, action: str, now: datetime) -> AddonQuote:
    """The quote again under the contract's lock; raises :class:`Refused` when it refuses."""
    lock_contract(contract)
    quote = quote_addon(contract, session.get(Product, product.id), action, tenant_today(tenant, now))
    if not quote.ok:
        raise Refused(quote.reasons)
    return quote


def connect(
    tenant: Tenant, contract: Contract, product: Product, user: User | None, now: datetime | None = None
) -> Subscription:
    """Connect ``product`` as quoted; raises :class:`Refused` (nothing changed). The caller commits."""
    quote = _checked_quote(tenant, contract, product, CONNECT, now or utcnow())
    product = quote.product
    subscription = subscribe(contract, product, quote.starts_on)
    audit(
        "isp.addon.connect",
        "contract",
        contract.number,
        None,
        {"product": product.code, "starts_on": quote.starts_on.isoformat()},
    )
    tell(tenant, contract, N_connected_title, N_connected_body, f"isp:addon:{subscription.id}:connected")
    return subscription


def disconnect(
    tenant: Tenant, contract: Contract, product: Product, user: User | None, now: datetime | None = None
) -> AddonQuote:
    """Disconnect ``product`` as quoted (after today, or remove a not yet started order).

    Raises :class:`Refused` (nothing changed). Returns the quote it carried out. The caller commits.
    """
    quote = _checked_quote(tenant, contract, product, DISCONNECT, now or utcnow())
    product = quote.product
    today = quote.today
    subscription = quote.subscription
    key = f"isp:addon:{subscription.id}:disconnected"
    if quote.removes_order:
        session.delete(subscription)
        session.flush()
        session.expire(contract, ["subscriptions"])
    else:
        end_subscription(subscription, today)
    audit(
        "isp.addon.disconnect",
        "contract",
        contract.number,
        {"product": product.code},
        {"last_day": quote.last_day.isoformat() if quote.last_day else None},
    )
    tell(tenant, contract, N_disconnected_title, N_disconnected_body, key)
    return quote


def operator_connect(
    tenant: Tenant, contract: Contract, product: Product, starts_on: date, now: datetime
) -> Subscription:
    """Connect ``product`` from ``starts_on`` by an operator (skips the subscriber's limits; audited)."""
    lock_contract(contract)
    subscription = subscribe(contract, session.get(Product, product.id), starts_on)
    audit(
        "isp.addon.operator_connect",
        "contract",
        contract.number,
        None,
        {"product": product.code, "starts_on": starts_on.isoformat()},
    )
    return subscription


def operator_disconnect(tenant: Tenant, contract: Contract, subscription: Subscription, now: datetime) -> None:
    """End a separately connected service after today, or remove it if it has not started (audited)."""
    lock_contract(contract)
    today = tenant_today(tenant, now)
    code = subscription.product.code
    if subscription.starts_on > today:
        session.delete(subscription)
        session.flush()
        session.expire(contract, ["subscriptions"])
    else:
        end_subscription(subscription, today)
    audit("isp.addon.operator_disconnect", "contract", contract.number, {"product": code}, None)
