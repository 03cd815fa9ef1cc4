"""The reminders job (``housing.reminders``, hourly per tenant): each reminder is sent once per occasion.

* **The reading window opens**: from the window's first day until two days before it closes, once a month per
  account of a flat with a meter that has no reading for the month yet.
* **The window closes tomorrow**: on the day before it closes, to flats where a meter has no reading yet.
* **Verification due**: 60 and then 30 days before a meter's next verification (a meter that enters the range late
  gets only the reminder it is in).
* **A debt approaching day 31**: charges of a month are due on the 10th of the next month; in the five days before
  the debt's day 31 (the first penalty day, by the penalty rule in force) an account whose balance still owes part
  of that month's charges is told how much, and from which day penalties run.

Core's ``notify`` with a ``dedupe_key`` naming the occasion makes a repeated run send nothing more.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select

from core.api import (
    N_,
    NotificationKind,
    PersonalAccount,
    Tenant,
    TenantJob,
    format_money,
    ledger,
    notify,
    recipient_language,
    session,
    site_path,
    users_of_accounts,
)
from plugins.housing.common.kinds import KIND_LABELS
from plugins.housing.models import AccountPremises, Accrual, Building, Meter, Premises, Reading
from plugins.housing.penalties.calculator import rule_on
from plugins.housing.readings.rules import Window
from plugins.housing.readings.service import DEFAULT_WINDOW

READINGS_KIND = "housing_readings"
VERIFICATION_KIND = "housing_verification"
DEBT_KIND = "housing_debt"
#: Days before a meter's next verification when residents are reminded.
VERIFICATION_DAYS = (60, 30)
#: Days before a debt's first penalty day when the warning is sent.
DEBT_WARNING_DAYS = 5
#: The day of the next month by which a month's charges are paid (ЖК РФ art. 155 p. 1).
DUE_DAY = 10


def notification_kinds() -> list[NotificationKind]:
    """The kinds residents can switch on and off in their notification settings."""
    return [
        NotificationKind(READINGS_KIND, N_("Meter readings: the window opens and closes")),
        NotificationKind(VERIFICATION_KIND, N_("Meter verification due")),
        NotificationKind(DEBT_KIND, N_("Debt before penalties start")),
    ]


def jobs() -> list[TenantJob]:
    return [TenantJob("housing.reminders", "housing", send_reminders, every_seconds=3600)]


def send_reminders(tenant: Tenant, now: datetime) -> dict[str, int]:
    """Send today's reminders in ``tenant``; how many occasions of each kind were found (repeats send nothing).

    "Today" is the tenant's calendar day at ``now`` (its time zone), as for the readings window itself."""
    today = tenant.today(now)
    return {
        "window": _reading_window(tenant, today),
        "verification": _verification(tenant, today),
        "debt": _debt(tenant, today),
    }


def _window(building: Building) -> Window:
    if building.reading_opens and building.reading_closes:
        return Window(building.reading_opens, building.reading_closes)
    return DEFAULT_WINDOW


def _flats_with_meters(building_ids: Iterable[int]) -> dict[int, list[Meter]]:
    meters: dict[int, list[Meter]] = defaultdict(list)
    ids = list(building_ids)
    if not ids:
        return meters
    rows = session.scalars(
        select(Meter)
        .join(Premises, Premises.id == Meter.premises_id)
        .where(Premises.building_id.in_(ids), Meter.archived_on.is_(None))
    )
    for meter in rows:
        meters[meter.premises_id].append(meter)
    return meters


def _accounts_of(premises_ids: Iterable[int]) -> dict[int, list[int]]:
    """``{premises id: [account id, …]}``."""
    found: dict[int, list[int]] = defaultdict(list)
    ids = list(premises_ids)
    if ids:
        for binding in session.scalars(select(AccountPremises).where(AccountPremises.premises_id.in_(ids))):
            found[binding.premises_id].append(binding.personal_account_id)
    return found


def _tell(tenant: Tenant, account_ids: list[int], kind: str, key: str, say, link: str = "") -> int:
    """Notify every user of the accounts (``say()`` → title and body, in the user's language); how many users."""
    told = 0
    for account_id, users in users_of_accounts(account_ids).items():
        for user in users:
            with recipient_language(user, tenant):
                title, body = say()
            notify(user, kind, title, body, link, dedupe_key=key.format(account=account_id), tenant=tenant)
            told += 1
    return told


def _reading_window(tenant: Tenant, today: date) -> int:
    buildings = list(session.scalars(select(Building)))
    opening = [b for b in buildings if _window(b).opens <= today.day < _window(b).closes - 1]
    closing = [b for b in buildings if today.day == _window(b).closes - 1]
    month = today.strftime("%Y-%m")
    occasions = 0
    meters = _flats_with_meters(b.id for b in opening + closing)
    accounts = _accounts_of(meters)
    closing_ids = {b.id for b in closing}
    period = today.replace(day=1)
    read = (
        set(
            session.execute(
                select(Reading.meter_id, Reading.zone).where(
                    Reading.period == period, Reading.meter_id.in_([m.id for ms in meters.values() for m in ms])
                )
            ).all()
        )
        if meters
        else set()
    )
    for premises_id, flat_meters in meters.items():
        flat = flat_meters[0].premises
        window = _window(flat.building)
        if all((m.id, zone) in read for m in flat_meters for zone in range(1, m.zones + 1)):
            continue  # every reading of the month is in: nothing to remind
        occasions += 1
        if flat.building_id in closing_ids:
            _tell(
                tenant,
                accounts[premises_id],
                READINGS_KIND,
                f"housing:window-closes:{{account}}:{month}",
                lambda flat=flat, window=window: (
                    _("Meter readings are taken until tomorrow"),
                    _(
                        "%(address)s, flat %(flat)s: give your readings by day %(closes)s, or an estimate is billed.",
                        address=flat.building.address,
                        flat=flat.number,
                        closes=window.closes,
                    ),
                ),
                site_path("housing.readings"),
            )
        else:
            _tell(
                tenant,
                accounts[premises_id],
                READINGS_KIND,
                f"housing:window-opens:{{account}}:{month}",
                lambda flat=flat, window=window: (
                    _("Time to give meter readings"),
                    _(
                        "%(address)s, flat %(flat)s: readings are taken from day %(opens)s to day %(closes)s.",
                        address=flat.building.address,
                        flat=flat.number,
                        opens=window.opens,
                        closes=window.closes,
                    ),
                ),
                site_path("housing.readings"),
            )
    return occasions


def _verification(tenant: Tenant, today: date) -> int:
    horizon = today + timedelta(days=max(VERIFICATION_DAYS))
    meters = list(
        session.scalars(
            select(Meter).where(
                Meter.archived_on.is_(None), Meter.next_verification > today, Meter.next_verification <= horizon
            )
        )
    )
    accounts = _accounts_of({m.premises_id for m in meters})
    for meter in meters:
        left = (meter.next_verification - today).days
        occasion = min(days for days in VERIFICATION_DAYS if left <= days)
        _tell(
            tenant,
            accounts[meter.premises_id],
            VERIFICATION_KIND,
            f"housing:verification:{meter.id}:{meter.next_verification.isoformat()}:{occasion}:{{account}}",
            lambda meter=meter: (
                _("Meter verification is due on %(date)s", date=format_date(meter.next_verification, "d MMMM y")),
                _(
                    "%(kind)s meter № %(serial)s must be verified by %(date)s; after that day its readings cannot "
                    "be accepted and an estimate is billed.",
                    kind=str(KIND_LABELS[meter.kind]),
                    serial=meter.serial,
                    date=format_date(meter.next_verification, "d MMMM y"),
                ),
            ),
        )
    return len(meters)


def penalty_period(today: date) -> tuple[date, date] | None:
    """The month whose debt reaches its first penalty day within :data:`DEBT_WARNING_DAYS` after ``today``, and
    that day; ``None`` when no month does."""
    free_days = rule_on(today).free_days
    for ahead in range(1, DEBT_WARNING_DAYS + 1):
        first_penalty_day = today + timedelta(days=ahead)
        due = first_penalty_day - timedelta(days=free_days + 1)
        if due.day == DUE_DAY:
            month_before = due.replace(day=1) - timedelta(days=1)
            return month_before.replace(day=1), first_penalty_day
    return None


def _debt(tenant: Tenant, today: date) -> int:
    found = penalty_period(today)
    if found is None:
        return 0
    period, first_penalty_day = found
    charged = dict(
        session.execute(
            select(Accrual.personal_account_id, func.sum(Accrual.amount))
            .where(Accrual.period == period)
            .group_by(Accrual.personal_account_id)
        ).all()
    )
    if not charged:
        return 0
    later = dict(
        session.execute(
            select(Accrual.personal_account_id, func.sum(Accrual.amount))
            .where(Accrual.period > period, Accrual.personal_account_id.in_(charged))
            .group_by(Accrual.personal_account_id)
        ).all()
    )
    balances = dict(
        session.execute(
            select(PersonalAccount.id, ledger.LedgerAccount.balance)
            .join(ledger.LedgerAccount, ledger.LedgerAccount.id == PersonalAccount.ledger_account_id)
            .where(PersonalAccount.id.in_(charged))
        ).all()
    )
    occasions = 0
    for account_id, amount in charged.items():
        debt = max(0, -int(balances.get(account_id, 0)))
        owed = min(int(amount), max(0, debt - int(later.get(account_id, 0) or 0)))
        if owed <= 0:
            continue
        occasions += 1
        _tell(
            tenant,
            [account_id],
            DEBT_KIND,
            f"housing:debt:{{account}}:{period.strftime('%Y-%m')}",
            lambda owed=owed: (
                _("Penalties start on %(date)s", date=format_date(first_penalty_day, "d MMMM y")),
                _(
                    "%(amount)s of the charges for %(month)s is not paid. From %(date)s penalties are added for "
                    "every day of the debt; pay before that day to avoid them.",
                    amount=format_money(owed),
                    month=format_date(period, "LLLL y"),
                    date=format_date(first_penalty_day, "d MMMM y"),
                ),
            ),
        )
    return occasions
