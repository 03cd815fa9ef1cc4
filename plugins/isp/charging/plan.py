"""What a day's charge run works out once: its keys, prices, memos, revenue accounts and settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as clock
from typing import NamedTuple

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import select

from core.api import Tenant, ledger, plugin_settings, session
from plugins.isp.common.calendar import day_amount, tenant_zone
from plugins.isp.models import Product

KIND = "charge"
FREEZE_SERVICE = "freeze"
JOB_TRIGGER = "job"


@dataclass
class ChargeResult:
    """What a charge run for one day did (or, for a dry run, would do).

    ``by_service`` maps a service code to ``[count, kopecks]``; ``skipped_blocked`` and ``frozen``
    count subscriptions not charged because their contract was blocked for debt or voluntarily
    blocked; ``blocked`` counts contracts blocked after the day's charges; ``reminded`` the
    contracts whose subscribers got a low-balance reminder.
    """

    day: date
    dry_run: bool = False
    trigger: str = JOB_TRIGGER
    charges: int = 0
    total: int = 0
    by_service: dict[str, list[int]] = field(default_factory=dict)
    skipped_blocked: int = 0
    frozen: int = 0
    blocked: int = 0
    reminded: int = 0
    chunks: int = 0
    seen: int = 0  # due subscriptions gone through so far (a run's progress)
    due: int | None = None  # due subscriptions in all (counted when someone follows the progress)
    seconds: float = 0.0
    run_id: int | None = None

    def merge(self, totals: dict[str, list[int]]) -> None:
        """Add ``{service: [count, kopecks]}`` to the totals."""
        for service, (count, amount) in totals.items():
            if count:
                line = self.by_service.setdefault(service, [0, 0])
                line[0] += count
                line[1] += amount
                self.charges += count
                self.total += amount

    def details(self) -> dict:
        """The run's breakdown as stored on its :class:`ChargeRun`."""
        return {
            "by_service": self.by_service,
            "skipped_blocked": self.skipped_blocked,
            "frozen": self.frozen,
            "reminded": self.reminded,
            "chunks": self.chunks,
        }


def charge_key(subscription_id: int, day: date) -> str:
    """The ledger idempotency key of one subscription's charge for one day."""
    return f"isp:charge:{subscription_id}:{day.isoformat()}"


def freeze_key(freeze_id: int, day: date) -> str:
    """The ledger idempotency key of a voluntary block's daily fee for one day."""
    return f"isp:freeze:{freeze_id}:{day.isoformat()}"


def start_of_day(tenant: Tenant, day: date) -> datetime:
    """Midnight at the start of ``day`` in the tenant's time zone (when that day's charge happens)."""
    return datetime.combine(day, clock(0), tzinfo=tenant_zone(tenant))


class Price(NamedTuple):
    """A product's price on the run's day (a tuple: the charge loop unpacks it)."""

    code: str  # the service code on the postings
    fee: int  # per month
    amount: int  # for this day
    memo: str
    revenue_id: int  # 0 in a dry run


@dataclass(frozen=True)
class Plan:
    """What a day's run works out once: prices of the day, memos, revenue accounts, settings."""

    day: date
    key_suffix: str  # ":YYYY-MM-DD" of the idempotency keys
    period: str
    occurred_at: datetime
    prices: dict[int, Price]  # product id → price of the day
    freeze_revenue_id: int
    freeze_memo: str
    remind_days: int  # 0: no low-balance reminders in this run
    grace_days: int


def make_plan(tenant: Tenant, day: date, *, dry_run: bool, remind: bool) -> Plan:
    """Read the tenant's settings, the chargeable products and their revenue accounts for ``day``."""
    settings = plugin_settings(tenant, "isp")
    rows = session.execute(
        select(Product.id, Product.code, Product.kind, Product.title, Product.monthly_fee).where(
            Product.monthly_fee > 0
        )
    ).all()
    revenue: dict[str, int] = {}
    if not dry_run:
        for kind in sorted({row.kind for row in rows} | {FREEZE_SERVICE}):
            revenue[kind] = ledger.revenue_account(kind).id
    with force_locale(tenant.locale):
        when = format_date(day, "medium")
        prices = {
            row.id: Price(
                row.code,
                row.monthly_fee,
                day_amount(row.monthly_fee, day),
                _("%(service)s, %(date)s", service=row.title, date=when),
                revenue.get(row.kind, 0),
            )
            for row in rows
        }
        freeze_memo = _("Voluntary block, %(date)s", date=when)
    return Plan(
        day=day,
        key_suffix=f":{day.isoformat()}",
        period=f"{day:%Y-%m}",
        occurred_at=start_of_day(tenant, day),
        prices=prices,
        freeze_revenue_id=revenue.get(FREEZE_SERVICE, 0),
        freeze_memo=freeze_memo,
        remind_days=settings["low_balance_days"] if remind else 0,
        grace_days=settings["block_grace_days"],
    )
