"""What a month's ЕПД (the unified payment document) of a personal account says.

* Payee, bank and payer come from core's receipt (:func:`core.api.build_receipt`: the tenant's legal and bank
  details, the account's holder); the flat from its binding.
* Charges per service from the billing run's lines: unit, volume, tariff (each tariff in force in the month),
  the month's charge, recalculations (true-ups of estimated months) and the amount.
* Reference data: the flat's area and registered persons, the norms in force, building-meter volumes.
* Money: the debt at the start of the month (earlier months' accruals and penalties less the money received
  before it), the money received in the month, the month's charges and the penalty that grew up to the end of
  the month before; the total to pay.
* The GOST R 56042 QR with that total (``Sum``), ``PersAcc``, ``PaymPeriod`` and ``TechCode=02``.

The penalty line is reckoned (:mod:`plugins.housing.penalties.debts`) up to the last day of the month before,
and the month's billing run posts the same amount to the ledger (:mod:`plugins.housing.penalties.posting`), so
once the month is billed the balance owes exactly the document's total (less what was paid in the month).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from core.api import PersonalAccount, Receipt, Tenant, build_receipt, payment_qr_payload, session
from plugins.housing.accruals.methods import SHARED_BY_AREA, TRUE_UP, Dated, in_force
from plugins.housing.models import METERED, NORM, Accrual, HousingService, Premises
from plugins.housing.penalties.debts import credits, due_date, penalty_through, terms
from plugins.housing.stock.flats import flat_of

TECH_CODE = "02"  # GOST R 56042 "TechCode": housing and utility services
AREA = "area"
PERSONS = "persons"
NORM_REFERENCE = "norm"
BUILDING_VOLUME = "building_volume"


class EpdError(LookupError):
    """No ЕПД: the account is bound to no flat."""


@dataclass(frozen=True)
class Tariff:
    """A unit price (kopecks, maybe fractional) and the day it took effect."""

    price: Decimal
    since: date


@dataclass(frozen=True)
class EpdLine:
    """One service of the month: the charge by its method and the recalculation of earlier months."""

    code: str
    title: str
    unit: str
    volume: Decimal | None
    tariffs: tuple[Tariff, ...]
    accrued: int
    recalculation: int
    shared: int  # how many personal accounts share the flat's charge

    @property
    def amount(self) -> int:
        return self.accrued + self.recalculation


@dataclass(frozen=True)
class Reference:
    """A line of reference data (added to nothing): its kind, the service it is about, value and unit."""

    kind: str
    title: str
    value: Decimal
    unit: str = ""


@dataclass(frozen=True)
class Epd:
    """Everything printed on one ЕПД. Money is integer kopecks."""

    period: date
    account: PersonalAccount
    flat: Premises
    receipt: Receipt  # payee, bank, payer
    lines: tuple[EpdLine, ...]
    references: tuple[Reference, ...]
    opening_debt: int  # negative: an advance
    paid: int
    penalty: int
    due_on: date
    as_of: date
    qr_payload: str | None = None

    @property
    def accrued(self) -> int:
        return sum(line.accrued for line in self.lines)

    @property
    def recalculations(self) -> int:
        return sum(line.recalculation for line in self.lines)

    @property
    def charges(self) -> int:
        return self.accrued + self.recalculations

    @property
    def total(self) -> int:
        """To pay: the debt at the start, less the money received, plus the month's charges and penalty."""
        return max(0, self.opening_debt - self.paid + self.charges + self.penalty)

    @property
    def period_key(self) -> str:
        return f"{self.period:%Y-%m}"


def periods(account: PersonalAccount, today: date) -> list[date]:
    """The months with an ЕПД, newest first: those with accruals, and this month."""
    found = set(session.scalars(select(Accrual.period).where(Accrual.personal_account_id == account.id).distinct()))
    found.add(today.replace(day=1))
    return sorted(found, reverse=True)


def default_period(account: PersonalAccount, today: date) -> date:
    """The month shown first: the last one with accruals (this month when there are none)."""
    latest = session.scalar(
        select(Accrual.period).where(Accrual.personal_account_id == account.id).order_by(Accrual.period.desc())
    )
    return latest or today.replace(day=1)


def month_end(period: date) -> date:
    return (period.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _lines(account: PersonalAccount, period: date, services: dict[str, HousingService]) -> list[EpdLine]:
    rows = session.scalars(
        select(Accrual).where(Accrual.personal_account_id == account.id, Accrual.period == period)
    ).all()
    grouped: dict[str, list[Accrual]] = defaultdict(list)
    for row in rows:
        grouped[row.service.split(":")[0]].append(row)
    lines = []
    for code, group in grouped.items():
        service = services.get(code)
        accrued, recalculation, volume, tariffs, shared = 0, 0, None, {}, 1
        for row in group:
            shared = max(shared, int(row.trace.get("accounts", 1)))
            if row.method == TRUE_UP or ":" in row.service:
                recalculation += row.amount
            else:
                accrued += row.amount
                if row.trace.get("volume") is not None:
                    volume = Decimal(row.trace["volume"])
            for piece in row.trace.get("pieces", []):
                since = date.fromisoformat(piece["price_from"])
                tariffs[since] = Tariff(Decimal(piece["price"]), since)
        lines.append(
            EpdLine(
                code=code,
                title=service.title if service else code,
                unit=service.unit if service else "",
                volume=volume,
                tariffs=tuple(tariffs[since] for since in sorted(tariffs)),
                accrued=accrued,
                recalculation=recalculation,
                shared=shared,
            )
        )
    order = {code: (service.position, code) for code, service in services.items()}
    return sorted(lines, key=lambda line: order.get(line.code, (10**6, line.code)))


def _references(
    account: PersonalAccount, flat: Premises, period: date, lines: list[EpdLine], services: dict[str, HousingService]
) -> list[Reference]:
    found = [Reference(AREA, "", Decimal(flat.area), "м²"), Reference(PERSONS, "", Decimal(flat.residents))]
    billed = {line.code for line in lines}
    for code, service in services.items():
        if code not in billed or service.method not in (METERED, NORM) or not service.norms:
            continue
        norms = [Dated(date.fromisoformat(day), Decimal(value)) for day, value in service.norms]
        try:
            norm = in_force(norms, period)
        except ValueError:
            continue
        found.append(Reference(NORM_REFERENCE, service.title, norm.value, service.unit))
    shared = session.scalars(
        select(Accrual).where(
            Accrual.personal_account_id == account.id, Accrual.period == period, Accrual.method == SHARED_BY_AREA
        )
    )
    for row in shared:
        volume = row.trace.get("inputs", {}).get("building_volume")
        service = services.get(row.service.split(":")[0])
        if volume is not None:
            title, unit = (service.title, service.unit) if service else (row.service, "")
            found.append(Reference(BUILDING_VOLUME, title, Decimal(volume), unit))
    return found


def build_epd(tenant: Tenant, account: PersonalAccount, period: date, today: date) -> Epd:
    """The ЕПД of ``account`` for ``period`` (any day of the month) as it reads on ``today``. Reads only.

    Runs in the tenant's scope. Raises :class:`EpdError` when the account pays for no flat.
    """
    period = period.replace(day=1)
    flat = flat_of(account)
    if flat is None:
        raise EpdError("the personal account is bound to no flat")
    services = {service.code: service for service in session.scalars(select(HousingService))}
    lines = _lines(account, period, services)
    end = month_end(period)
    as_of = max(min(end, today), period)
    accrued_before = sum(
        session.scalars(
            select(Accrual.amount).where(Accrual.personal_account_id == account.id, Accrual.period < period)
        )
    )
    money = credits(tenant, account)
    received_before = sum(amount for day, amount in money if day < period)
    paid = sum(amount for day, amount in money if period <= day <= end)
    # The month's penalty line is what grew up to the end of the month before: the billing run of this month
    # posts exactly that (plugins.housing.penalties.posting), so the ledger owes what the document asks for.
    month_before = period - timedelta(days=1)
    grown = penalty_through(tenant, account, month_before)
    earlier = penalty_through(tenant, account, month_before.replace(day=1) - timedelta(days=1))
    epd = Epd(
        period=period,
        account=account,
        flat=flat,
        receipt=build_receipt(tenant, account, f"{period:%Y-%m}"),
        lines=tuple(lines),
        references=tuple(_references(account, flat, period, lines, services)),
        opening_debt=accrued_before + earlier - received_before,
        paid=paid,
        penalty=max(0, grown - earlier),
        due_on=due_date(period, terms(tenant).due_day),
        as_of=as_of,
    )
    return replace(epd, qr_payload=payment_qr_payload(epd.receipt, epd.total, tech_code=TECH_CODE))
