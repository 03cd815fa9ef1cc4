"""The isp plugin's tables: catalogue, categories, contracts, subscriptions, changes, promises, freezes, charge runs,
terminations and one-time services.

Every table is tenant-owned (core's guard scopes every query). "At most one at a time" rules —
one pending tariff change, one active promise, one open freeze per contract — are unique indexes on
a ``*_slot`` column that holds the contract id while the row is open and NULL after, so the database
decides under concurrency, not a read-then-write check.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, String, Text, UniqueConstraint, event, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.api import Base, PersonalAccount, TenantOwned, invalidates_caches, tenant_ref, utcnow

# Product kinds: tariffs (one of each kind per contract) and add-ons (any number).
INTERNET = "internet"
TV = "tv"
ADDON = "addon"
TV_PACKAGE = "tv_package"
TARIFF_KINDS = (INTERNET, TV)
PRODUCT_KINDS = (INTERNET, TV, ADDON, TV_PACKAGE)

# Holder kinds. Subscriber categories are per-tenant rows (:mod:`plugins.isp.categories`).
HOLDER_KINDS = ("individual", "legal")

# When an add-on starts after it is ordered.
NEXT_DAY = "next_day"
NEXT_MONTH = "next_month"
START_RULES = (NEXT_DAY, NEXT_MONTH)

# Row statuses.
PENDING = "pending"
APPLIED = "applied"
CANCELLED = "cancelled"
ACTIVE = "active"
REPAID = "repaid"
EXPIRED = "expired"
SCHEDULED = "scheduled"
FINISHED = "finished"
DONE = "done"
ORDERED = "ordered"


@invalidates_caches  # the news audiences keep the tariffs per process
class Product(TenantOwned, Base):
    """A catalogue item: an internet or TV tariff, an add-on or an extra TV package. Prices per month."""

    __tablename__ = "isp_products"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    monthly_fee: Mapped[int] = mapped_column(BigInteger, default=0)
    speed_mbps: Mapped[int | None] = mapped_column(nullable=True)
    channels: Mapped[int | None] = mapped_column(nullable=True)
    # Who it is offered to: subscriber categories and holder kinds.
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    holder_kinds: Mapped[list[str]] = mapped_column(JSON, default=lambda: list(HOLDER_KINDS))
    # A tariff's bundle: codes of TV packages / add-ons included in its price.
    includes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The change matrix: codes this tariff may switch to (used when the tenant's rule is "matrix").
    allowed_changes: Mapped[list[str]] = mapped_column(JSON, default=list)
    start_rule: Mapped[str] = mapped_column(String(20), default=NEXT_DAY)
    archived: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=100)

    @property
    def is_tariff(self) -> bool:
        return self.kind in TARIFF_KINDS


class Contract(TenantOwned, Base):
    """A subscriber's contract: one personal account, a category, and the debt-block state."""

    __tablename__ = "isp_contracts"
    __table_args__ = (UniqueConstraint("tenant_id", "personal_account_id"), UniqueConstraint("tenant_id", "number"))

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40))
    personal_account_id: Mapped[int] = tenant_ref("personal_accounts")
    category: Mapped[str] = mapped_column(String(10), default="cable")
    signed_on: Mapped[date] = mapped_column(default=date.today)
    # Blocked for debt since this moment (None = not blocked).
    blocked_since: Mapped[datetime | None] = mapped_column(nullable=True)
    # The first day the balance was below zero (drives the grace period); None while it is not.
    negative_since: Mapped[date | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    account: Mapped[PersonalAccount] = relationship(foreign_keys=[personal_account_id], lazy="joined")
    subscriptions: Mapped[list[Subscription]] = relationship(
        back_populates="contract", foreign_keys="Subscription.contract_id", order_by="Subscription.id", lazy="selectin"
    )

    @property
    def is_blocked(self) -> bool:
        return self.blocked_since is not None

    @property
    def is_legal(self) -> bool:
        return self.account.is_legal


class Subscription(TenantOwned, Base):
    """A product on a contract from ``starts_on`` to ``ends_on`` (inclusive; None = open-ended).

    ``charged_through`` is the last day charged, so a re-run skips what is done without asking the
    ledger; the ledger's idempotency key ``isp:charge:<subscription>:<day>`` is the final guard.
    ``bundled_with_id`` marks a package included in a tariff's price (never charged on its own).
    """

    __tablename__ = "isp_subscriptions"
    __table_args__ = (
        Index("ix_isp_subscriptions_tenant_contract", "tenant_id", "contract_id"),
        Index("ix_isp_subscriptions_tenant_charged", "tenant_id", "charged_through"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = tenant_ref("isp_contracts")
    product_id: Mapped[int] = tenant_ref("isp_products")
    starts_on: Mapped[date]
    ends_on: Mapped[date | None] = mapped_column(nullable=True)
    charged_through: Mapped[date | None] = mapped_column(nullable=True)
    bundled_with_id: Mapped[int | None] = tenant_ref("isp_subscriptions", nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contract: Mapped[Contract] = relationship(back_populates="subscriptions", foreign_keys=[contract_id])
    product: Mapped[Product] = relationship(foreign_keys=[product_id], lazy="joined")

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class TariffChange(TenantOwned, Base):
    """A requested change of one tariff subscription to another tariff, effective on a day."""

    __tablename__ = "isp_tariff_changes"
    __table_args__ = (
        UniqueConstraint("tenant_id", "pending_slot"),
        Index("ix_isp_tariff_changes_tenant_contract", "tenant_id", "contract_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = tenant_ref("isp_contracts")
    subscription_id: Mapped[int] = tenant_ref("isp_subscriptions")
    to_product_id: Mapped[int] = tenant_ref("isp_products")
    effective_on: Mapped[date]
    fee: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    pending_slot: Mapped[int | None] = mapped_column(nullable=True)
    requested_by_id: Mapped[int | None] = tenant_ref("users", nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(nullable=True)

    contract: Mapped[Contract] = relationship(foreign_keys=[contract_id])
    subscription: Mapped[Subscription] = relationship(foreign_keys=[subscription_id])
    to_product: Mapped[Product] = relationship(foreign_keys=[to_product_id], lazy="joined")


class Promise(TenantOwned, Base):
    """A promised payment: credit ``amount`` until ``due_at``; repaid early when payments cover it."""

    __tablename__ = "isp_promises"
    __table_args__ = (
        UniqueConstraint("tenant_id", "active_slot"),
        Index("ix_isp_promises_tenant_contract", "tenant_id", "contract_id"),
        Index("ix_isp_promises_tenant_status_due", "tenant_id", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = tenant_ref("isp_contracts")
    amount: Mapped[int] = mapped_column(BigInteger)
    fee: Mapped[int] = mapped_column(BigInteger, default=0)
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default=ACTIVE)
    active_slot: Mapped[int | None] = mapped_column(nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # Whether the balance covered the credit when it closed (drives "the last promise must be repaid").
    repaid: Mapped[bool | None] = mapped_column(nullable=True)
    granted_by_id: Mapped[int | None] = tenant_ref("users", nullable=True)

    contract: Mapped[Contract] = relationship(foreign_keys=[contract_id])


class Freeze(TenantOwned, Base):
    """A voluntary block of all services from ``starts_on`` to ``ends_on`` (inclusive).

    ``ended_on`` is the real last day when it was ended early; ``open_slot`` holds the contract id
    while the freeze is scheduled or active (one open freeze per contract).
    """

    __tablename__ = "isp_freezes"
    __table_args__ = (
        UniqueConstraint("tenant_id", "open_slot"),
        Index("ix_isp_freezes_tenant_contract", "tenant_id", "contract_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = tenant_ref("isp_contracts")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    ended_on: Mapped[date | None] = mapped_column(nullable=True)
    status: Mapped[str] = mapped_column(String(20), default=SCHEDULED)
    open_slot: Mapped[int | None] = mapped_column(nullable=True)
    fee_kind: Mapped[str] = mapped_column(String(10), default="none")
    fee: Mapped[int] = mapped_column(BigInteger, default=0)
    by_staff: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = tenant_ref("users", nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contract: Mapped[Contract] = relationship(foreign_keys=[contract_id])

    @property
    def last_day(self) -> date:
        return self.ended_on or self.ends_on

    def covers(self, day: date) -> bool:
        return self.status in (SCHEDULED, ACTIVE, FINISHED) and self.starts_on <= day <= self.last_day


class ChargeRun(TenantOwned, Base):
    """One run of the daily charge for one day: what it posted (a dry run is not recorded)."""

    __tablename__ = "isp_charge_runs"
    __table_args__ = (Index("ix_isp_charge_runs_tenant_day", "tenant_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
    charges: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    blocked: Mapped[int] = mapped_column(default=0)
    trigger: Mapped[str] = mapped_column(String(20), default="job")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Termination(TenantOwned, Base):
    """The contract ends on ``ends_on`` (its last day of service); ``open_slot`` = contract id while scheduled.

    When the day has passed, the final charge is run, the personal account is closed and the row
    becomes ``done`` with the final balance; the subscriber's login keeps read-only access.
    """

    __tablename__ = "isp_terminations"
    __table_args__ = (
        UniqueConstraint("tenant_id", "open_slot"),
        Index("ix_isp_terminations_tenant_contract", "tenant_id", "contract_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = tenant_ref("isp_contracts")
    ends_on: Mapped[date]
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=SCHEDULED)
    open_slot: Mapped[int | None] = mapped_column(nullable=True)
    # Subscription id → its ``ends_on`` before the termination cut it (ISO date or None), for a cancel.
    previous_ends: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    final_balance: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_by_id: Mapped[int | None] = tenant_ref("users", nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)

    contract: Mapped[Contract] = relationship(foreign_keys=[contract_id])


@invalidates_caches  # the subscriber pages keep the titles per process
class SubscriberCategory(TenantOwned, Base):
    """A category of subscribers: its own login tab when ``login_tab``; contracts and tariffs name it by ``code``."""

    __tablename__ = "isp_categories"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(100))
    login_tab: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=100)


@event.listens_for(Product, "before_insert")
def _offer_new_products_to_every_category(_mapper, connection, product: Product) -> None:
    """A product created without categories is offered to every category of its tenant (as the form's default)."""
    if product.categories:
        return
    table = SubscriberCategory.__table__
    rows = connection.execute(
        select(table.c.code).where(table.c.tenant_id == product.tenant_id).order_by(table.c.position, table.c.id)
    )
    product.categories = [row[0] for row in rows] or ["cable", "wifi"]


@invalidates_caches  # the subscriber pages keep whether any is offered per process
class OneTimeService(TenantOwned, Base):
    """A catalogue item charged once when ordered; ``needs_visit`` asks the subscriber for a visit slot."""

    __tablename__ = "isp_onetime_services"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[int] = mapped_column(BigInteger, default=0)
    needs_visit: Mapped[bool] = mapped_column(default=True)
    archived: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=100)


class OneTimeOrder(TenantOwned, Base):
    """A subscriber's order: the price charged to the contract and the technician visit booked for it."""

    __tablename__ = "isp_onetime_orders"
    __table_args__ = (Index("ix_isp_onetime_orders_tenant_contract", "tenant_id", "contract_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = tenant_ref("isp_contracts")
    service_id: Mapped[int] = tenant_ref("isp_onetime_services")
    price: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20), default=ORDERED)
    visit_id: Mapped[int | None] = tenant_ref("visit_requests", nullable=True)
    ordered_by_id: Mapped[int | None] = tenant_ref("users", nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contract: Mapped[Contract] = relationship(foreign_keys=[contract_id])
    service: Mapped[OneTimeService] = relationship(foreign_keys=[service_id], lazy="joined")
