"""The billing run of one period: each account's charge per service, with its trace, posted through the ledger.

Idempotent per account, service and period: the ledger key ``housing:accrual:<account>:<service>:<YYYY-MM>``
and the unique :class:`~plugins.housing.models.Accrual` row make a re-run post nothing. A flat with several
accounts splits each charge equally (the first accounts carry the remainder kopecks). A true-up of estimated
months is its own service line (``<service>:true_up``) in the month readings resume.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from core.api import PersonalAccount, ledger, session, utcnow
from plugins.housing.accruals.methods import (
    AVERAGE,
    Charge,
    Dated,
    by_norm,
    metered,
    missing_reading,
    per_area,
    true_up,
)
from plugins.housing.accruals.methods import NORM as NORM_METHOD
from plugins.housing.models import (
    NORM,
    PER_AREA,
    AccountPremises,
    Accrual,
    HousingService,
    Meter,
    Premises,
    Reading,
)

KIND = "housing_accrual"


@dataclass(frozen=True)
class RunResult:
    """What a run posted: new accrual lines and their total (zero for a repeated run)."""

    period: date
    lines: int
    total: int


def dated(pairs: list[list[str]]) -> list[Dated]:
    """``[["2026-07-01", "4567"], …]`` → dated values."""
    return [Dated(date.fromisoformat(day), Decimal(value)) for day, value in pairs]


def period_key(period: date) -> str:
    return f"{period.year:04d}-{period.month:02d}"


def accrual_key(account_id: int, service: str, period: date) -> str:
    return f"housing:accrual:{account_id}:{service}:{period_key(period)}"


def flat_charges(flat: Premises, service: HousingService, period: date) -> list[tuple[str, Charge]]:
    """The flat's charge lines of ``service`` for ``period``: (line code, charge), a true-up line when due."""
    tariffs = dated(service.tariffs)
    if service.method == PER_AREA:
        return [(service.code, per_area(flat.area, tariffs, period))]
    norms = dated(service.norms)
    if service.method == NORM:
        return [(service.code, by_norm(flat.residents, norms, tariffs, period))]
    meters = list(
        session.scalars(
            select(Meter).where(
                Meter.premises_id == flat.id, Meter.kind == service.meter_kind, Meter.archived_on.is_(None)
            )
        )
    )
    if not meters:
        return [(service.code, by_norm(flat.residents, norms, tariffs, period, service.no_meter_multiplier))]
    volume, billed, resumed, estimated = Decimal(0), Decimal(0), False, None
    for meter in meters:
        uses, missing, gap = _meter_history(meter, period)
        if missing:
            estimated = missing_reading(uses, missing, flat.residents, norms, tariffs, period)
        else:
            volume += uses[-1]
            if gap > 1:  # readings resume: this reading's use covers the estimated months too
                resumed = True
    if estimated is not None:
        return [(service.code, estimated)]
    if resumed:
        billed = _estimated_volume(flat, service.code, period)
        return [(service.code, true_up(volume, billed, tariffs, period))]
    return [(service.code, metered(volume, tariffs, period))]


def _meter_history(meter: Meter, period: date) -> tuple[list[Decimal], int, int]:
    """(uses of the months with readings up to ``period``, months without a reading ending at ``period``, and —
    when ``period`` has a reading — the months since the one before it)."""
    rows = session.scalars(
        select(Reading).where(Reading.meter_id == meter.id, Reading.period <= period).order_by(Reading.period)
    )
    by_period: dict[date, Decimal] = defaultdict(Decimal)
    for row in rows:
        if row.use is not None:
            by_period[row.period] += row.use
    periods = sorted(by_period)
    uses = [by_period[p] for p in periods]
    if period in by_period:
        earlier = [p for p in periods if p < period]
        return uses, 0, _months_between(earlier[-1], period) if earlier else 1
    return uses, _months_between(periods[-1], period) if periods else 1, 0


def _estimated_volume(flat: Premises, service: str, period: date) -> Decimal:
    """The volume billed by estimate (average or norm) to the flat for ``service`` in the months before
    ``period`` since its last reading."""
    account_ids = select(AccountPremises.personal_account_id).where(AccountPremises.premises_id == flat.id)
    rows = session.scalars(
        select(Accrual)
        .where(Accrual.personal_account_id.in_(account_ids), Accrual.service == service, Accrual.period < period)
        .order_by(Accrual.period.desc(), Accrual.personal_account_id)
    )
    volume, seen = Decimal(0), set()
    for row in rows:
        if row.method not in (AVERAGE, NORM_METHOD):
            break  # the last month billed by its reading: the estimates end here
        if row.period in seen:
            continue  # the flat's volume is on each of its accounts' rows; count it once
        seen.add(row.period)
        volume += Decimal(row.trace.get("volume", "0"))
    return volume


def _months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def split(amount: int, parts: int) -> list[int]:
    """``amount`` kopecks in ``parts`` equal shares; the first shares carry the remainder."""
    base, extra = divmod(abs(amount), parts)
    sign = -1 if amount < 0 else 1
    return [sign * (base + (1 if index < extra else 0)) for index in range(parts)]


def run_period(period: date, now: datetime | None = None) -> RunResult:
    """Accrue ``period`` (any day of the month) for every flat of the current tenant; the caller commits."""
    period = period.replace(day=1)
    moment = now or utcnow()
    services = list(session.scalars(select(HousingService).order_by(HousingService.position, HousingService.code)))
    bindings: dict[int, list[AccountPremises]] = defaultdict(list)
    for binding in session.scalars(select(AccountPremises).order_by(AccountPremises.personal_account_id)):
        bindings[binding.premises_id].append(binding)
    done = {
        (row.personal_account_id, row.service)
        for row in session.scalars(select(Accrual).where(Accrual.period == period))
    }
    transfers, lines, total = [], 0, 0
    for premises_id, accounts in sorted(bindings.items()):
        flat = session.get(Premises, premises_id)
        for service in services:
            for code, charge in flat_charges(flat, service, period):
                revenue = ledger.revenue_account(code.split(":")[0]).id
                for binding, share in zip(accounts, split(charge.amount, len(accounts)), strict=True):
                    if (binding.personal_account_id, code) in done or share == 0:
                        continue
                    account = session.get(PersonalAccount, binding.personal_account_id)
                    key = accrual_key(account.id, code, period)
                    trace = {
                        "method": charge.method,
                        "inputs": charge.inputs,
                        "flat_amount": charge.amount,
                        "volume": str(sum((p.quantity for p in charge.pieces), Decimal(0))),
                        "accounts": len(accounts),
                        "pieces": [_piece(p) for p in charge.pieces],
                    }
                    session.add(
                        Accrual(
                            personal_account_id=account.id,
                            service=code,
                            period=period,
                            amount=share,
                            method=charge.method,
                            trace=trace,
                            ledger_key=key,
                        )
                    )
                    source, target = (
                        (account.ledger_account_id, revenue) if share > 0 else (revenue, account.ledger_account_id)
                    )
                    transfers.append(
                        ledger.Transfer(
                            key,
                            KIND,
                            source,
                            target,
                            abs(share),
                            code.split(":")[0],
                            period_key(period),
                            moment,
                            f"{service.title}: {period_key(period)}",
                        )
                    )
                    lines += 1
                    total += share
    session.flush()
    if transfers:
        ledger.post_transfers(transfers)
    return RunResult(period, lines, total)


def _piece(piece) -> dict[str, str]:
    values = asdict(piece)
    return {name: value.isoformat() if isinstance(value, date) else str(value) for name, value in values.items()}
