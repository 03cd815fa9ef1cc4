"""The billing run of one period: each account's charge per service, with its trace, posted through the ledger.

Idempotent per account, service and period: the ledger key ``housing:accrual:<account>:<service>:<YYYY-MM>``
and the unique :class:`~plugins.housing.models.Accrual` row make a re-run post nothing. A flat with several
accounts splits each charge equally (the first accounts carry the remainder kopecks). A true-up of estimated
months is charged under the service's own code in the month readings resume (method ``true_up``). A month billed
already whose readings changed since is recalculated in the next run (:mod:`plugins.housing.accruals.recalc`,
lines ``<code>:<YYYY-MM>``). A ``shared_by_area`` service charges each flat its area's share of the building
meter's volume of the month (:class:`~plugins.housing.models.BuildingReading`); a building without that reading
yet is billed for it by a run of the month after the reading is entered.

Set-based per chunk of :data:`CHUNK` flats: a fixed number of statements reads the chunk's flats and accounts,
what is already accrued, its meters and their recent readings (and, for the few flats whose readings resume,
the estimates to true up); the lines are written with one bulk insert and one ledger batch. Nothing loaded
stays in the session, so memory does not grow with the number of flats. A re-run finds every line accrued and
reads no readings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select, true

from core.api import PersonalAccount, current_tenant_id, ledger, session, utcnow, young_collections_only
from plugins.housing.accruals.lines import Line
from plugins.housing.accruals.lines import write as write_lines
from plugins.housing.accruals.methods import (
    AVERAGE,
    AVERAGE_MAX_HISTORY,
    AVERAGE_MONTHS,
    Charge,
    Dated,
    Piece,
    by_norm,
    metered,
    missing_reading,
    per_area,
    shared_by_area,
    true_up,
)
from plugins.housing.accruals.methods import NORM as NORM_METHOD
from plugins.housing.accruals.recalc import recalculate
from plugins.housing.models import (
    METERED,
    NORM,
    PER_AREA,
    SHARED_BY_AREA,
    AccountPremises,
    Accrual,
    Building,
    BuildingReading,
    HousingService,
    Meter,
    Premises,
    Reading,
)

KIND = "housing_accrual"
#: Flats per chunk: each chunk is a fixed number of statements, one bulk insert and one ledger batch.
CHUNK = 1000
#: Months of readings read for every meter: enough for the average's six months with a reading, the month
#: before this one's reading, and the months missing; a meter whose readings in them do not tell has its whole
#: history read (:func:`_needs_older`).
RECENT_MONTHS = 12


@dataclass(frozen=True)
class RunResult:
    """What a run posted: new accrual lines and their total (zero for a repeated run)."""

    period: date
    lines: int
    total: int
    flats: int = field(default=0, compare=False)  # flats gone through so far (a run's progress)


@dataclass(frozen=True)
class _Flat:
    id: int
    building_id: int
    area: Decimal
    residents: int
    accounts: tuple[tuple[int, int], ...]  # (personal account id, ledger account id), by account id


@dataclass(frozen=True)
class _Service:
    code: str
    title: str
    method: str
    meter_kind: str | None
    tariffs: list[Dated]
    norms: list[Dated]
    multiplier: Decimal
    revenue: int  # the revenue ledger account


def dated(pairs: list[list[str]]) -> list[Dated]:
    """``[["2026-07-01", "4567"], …]`` → dated values."""
    return [Dated(date.fromisoformat(day), Decimal(value)) for day, value in pairs]


def period_key(period: date) -> str:
    return f"{period.year:04d}-{period.month:02d}"


def accrual_key(account_id: int, service: str, period: date) -> str:
    return f"housing:accrual:{account_id}:{service}:{period_key(period)}"


def split(amount: int, parts: int) -> list[int]:
    """``amount`` kopecks in ``parts`` equal shares; the first shares carry the remainder."""
    base, extra = divmod(abs(amount), parts)
    sign = -1 if amount < 0 else 1
    return [sign * (base + (1 if index < extra else 0)) for index in range(parts)]


def _months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def _months_before(period: date, months: int) -> date:
    index = period.year * 12 + period.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def run_period(
    period: date, now: datetime | None = None, on_chunk: Callable[[RunResult], None] | None = None
) -> RunResult:
    """Accrue ``period`` (any day of the month) for every flat of the current tenant; the caller commits.

    ``on_chunk`` is called after each chunk with the lines posted so far (progress, benchmarks).
    """
    period = period.replace(day=1)
    moment = now or utcnow()
    services = [
        _Service(
            row.code,
            row.title,
            row.method,
            row.meter_kind,
            dated(row.tariffs),
            dated(row.norms),
            row.no_meter_multiplier,
            ledger.revenue_account(row.code).id,
        )
        for row in session.scalars(select(HousingService).order_by(HousingService.position, HousingService.code))
    ]
    lines = total = seen = 0
    after = 0
    with young_collections_only() as collect:  # a chunk's rows would set off full collections of the heap
        while services:
            flats = _chunk_flats(after)
            if not flats:
                break
            bounds, after = (after, flats[-1].id), flats[-1].id
            written, amount = _run_chunk(flats, bounds, services, period, moment)
            lines, total, seen = lines + written, total + amount, seen + len(flats)
            if on_chunk is not None:
                on_chunk(RunResult(period, lines, total, seen))
            del flats
            collect()
    return RunResult(period, lines, total, seen)


def billed_flats() -> int:
    """How many flats of the current tenant have an account to bill (a run's progress counts them)."""
    return session.scalar(select(func.count(func.distinct(AccountPremises.premises_id)))) or 0


def _rows(statement):
    """The rows of a read of the chunk's data, straight from the driver (no ORM row processing: the run reads
    tens of thousands of rows a chunk). Every such statement names ``tenant_id`` of each of its tables itself,
    as core's guard would, because it is executed on the session's connection."""
    return session.connection().execute(statement)


def _chunk_flats(after: int) -> list[_Flat]:
    """The next :data:`CHUNK` flats with an account (ids above ``after``), with their accounts."""
    tenant = current_tenant_id()
    ids = (
        select(AccountPremises.premises_id)
        .where(AccountPremises.tenant_id == tenant, AccountPremises.premises_id > after)
        .group_by(AccountPremises.premises_id)
        .order_by(AccountPremises.premises_id)
        .limit(CHUNK)
    )
    last = _rows(ids).scalars().all()
    if not last:
        return []
    rows = _rows(
        select(
            Premises.id,
            Premises.building_id,
            Premises.area,
            Premises.residents,
            AccountPremises.personal_account_id,
            PersonalAccount.ledger_account_id,
        )
        .join(AccountPremises, (AccountPremises.tenant_id == tenant) & (AccountPremises.premises_id == Premises.id))
        .join(
            PersonalAccount,
            (PersonalAccount.tenant_id == tenant) & (PersonalAccount.id == AccountPremises.personal_account_id),
        )
        .where(Premises.tenant_id == tenant, Premises.id > after, Premises.id <= last[-1])
        .order_by(Premises.id, AccountPremises.personal_account_id)
    )
    flats: dict[int, tuple[int, Decimal, int, list[tuple[int, int]]]] = {}
    for flat_id, building_id, area, residents, account_id, ledger_id in rows:
        flats.setdefault(flat_id, (building_id, area, residents, []))[3].append((account_id, ledger_id))
    return [
        _Flat(flat_id, building_id, area, residents, tuple(accounts))
        for flat_id, (building_id, area, residents, accounts) in flats.items()
    ]


def _accrued(bounds: tuple[int, int], period: date) -> set[tuple[int, str]]:
    """(personal account, service) of the lines of ``period`` posted already for the flats in ``bounds``.

    Driven by the chunk's accounts, each an index lookup: on PostgreSQL through a lateral subquery behind
    ``OFFSET 0``, which the planner cannot turn round into a scan of all the month's lines (it would, when the
    table's statistics are older than the run, and every chunk would read the lines of the chunks before it).
    """
    low, high = bounds
    tenant = current_tenant_id()
    in_chunk = (
        AccountPremises.tenant_id == tenant,
        AccountPremises.premises_id > low,
        AccountPremises.premises_id <= high,
    )
    if session.get_bind().dialect.name != "postgresql":  # no LATERAL; SQLite's planner starts from the chunk
        statement = (
            select(Accrual.personal_account_id, Accrual.service)
            .join(
                AccountPremises,
                (AccountPremises.tenant_id == tenant)
                & (AccountPremises.personal_account_id == Accrual.personal_account_id),
            )
            .where(Accrual.tenant_id == tenant, Accrual.period == period, *in_chunk)
        )
    else:
        lines = (
            select(Accrual.service)
            .where(
                Accrual.tenant_id == tenant,
                Accrual.personal_account_id == AccountPremises.personal_account_id,
                Accrual.period == period,
            )
            .offset(0)
            .lateral()
        )
        statement = (
            select(AccountPremises.personal_account_id, lines.c.service)
            .select_from(AccountPremises)
            .join(lines, true())
            .where(*in_chunk)
        )
    return {(account, service) for account, service in _rows(statement)}


def _run_chunk(
    flats: list[_Flat], bounds: tuple[int, int], services: list[_Service], period: date, moment: datetime
) -> tuple[int, int]:
    """Accrue the flats whose ids are in ``bounds`` (above the first, up to the second)."""
    done = _accrued(bounds, period)
    pending = [
        (flat, service)
        for flat in flats
        for service in services
        if not done or any((account, service.code) not in done for account, _ledger in flat.accounts)
    ]
    if not pending:
        return 0, 0
    histories = _histories(pending, bounds, period)
    since: dict[tuple[int, str], date] = {}  # readings resume: the month of the reading before this one
    for flat, service in pending:
        gaps = [gap for _uses, missing, gap in histories.get((flat.id, service.meter_kind), ()) if not missing]
        if service.method == METERED and any(gap > 1 for gap in gaps):
            since[(flat.id, service.code)] = _months_before(period, max(gaps))
    estimated = _estimated_volumes([(f, s) for f, s in pending if (f.id, s.code) in since], period, since)
    buildings = _building_volumes(pending, period)
    posting = _Posting(period, moment)
    same: dict[tuple, Charge] = {}  # flats of one size (or household) pay the same per-m² and norm charges
    traces: dict[tuple, dict] = {}  # and share their traces
    for flat, service in pending:
        meters = histories.get((flat.id, service.meter_kind), [])
        if service.method == SHARED_BY_AREA:
            found = buildings.get((flat.building_id, service.meter_kind))
            if found is None:
                continue  # no building reading of the month yet: a run after it is entered bills it
            volume, building_area = found
            inputs = (service.code, flat.building_id, flat.area)
            charge = same.get(inputs) or same.setdefault(
                inputs, shared_by_area(volume, building_area, flat.area, service.tariffs, period)
            )
            shared = (inputs, len(flat.accounts))
        elif service.method in (PER_AREA, NORM) or not meters:
            inputs = (service.code, flat.area if service.method == PER_AREA else flat.residents)
            charge = same.get(inputs) or same.setdefault(inputs, _charge(flat, service, period, meters, Decimal(0)))
            shared = (inputs, len(flat.accounts))
        else:
            charge = _charge(flat, service, period, meters, estimated.get((flat.id, service.code), Decimal(0)))
            shared = None
        trace = traces.get(shared) if shared else None
        if trace is None:
            trace = _trace(charge, len(flat.accounts))
            if shared:
                traces[shared] = trace
        posting.add(flat, service, service.code, charge, trace, done)
    accounts = {flat.id: tuple(account for account, _ledger in flat.accounts) for flat in flats}
    by_id = {flat.id: flat for flat in flats}
    by_code = {service.code: service for service in services}
    for found in recalculate(accounts, bounds, services, period, done):
        charge = found.charge
        flat = by_id[found.flat_id]
        posting.add(
            flat, by_code[found.service], found.code, charge, _trace(charge, len(flat.accounts)), done, found.month
        )
    rows, transfers = posting.rows, posting.transfers
    if rows:
        write_lines(rows, period, moment)  # one statement, nothing kept in the session
        ledger.post_transfers(transfers)
    return len(rows), sum(row.amount for row in rows)


@dataclass
class _Posting:
    """The chunk's accrual rows and ledger transfers, gathered for one bulk insert and one ledger batch."""

    period: date
    moment: datetime
    rows: list[Line] = field(default_factory=list)
    transfers: list[ledger.Transfer] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._month = period_key(self.period)

    def add(
        self,
        flat: _Flat,
        service: _Service,
        code: str,
        charge: Charge,
        trace: dict,
        done: set[tuple[int, str]],
        month: date | None = None,
    ) -> None:
        """The flat's ``charge`` split between its accounts, as lines of ``code`` (the service's, or a
        recalculation's of ``month``); an account's line posted already, or a zero share, is left out."""
        this_month = self._month
        said = period_key(month) if month else this_month
        shares = split(charge.amount, len(flat.accounts)) if len(flat.accounts) > 1 else (charge.amount,)
        for (account, ledger_id), share in zip(flat.accounts, shares, strict=True):
            if share == 0 or (done and (account, code) in done):
                continue
            key = f"housing:accrual:{account}:{code}:{this_month}"
            self.rows.append(Line(account, code, share, charge.method, trace, key))
            source, target = (ledger_id, service.revenue) if share > 0 else (service.revenue, ledger_id)
            self.transfers.append(
                ledger.Transfer(
                    key, KIND, source, target, abs(share), service.code, said, self.moment, f"{service.title}: {said}"
                )
            )


def _trace(charge: Charge, accounts: int) -> dict:
    """What a line keeps to say why: the method, its inputs, the flat's amount and volume, the priced pieces."""
    return {
        "method": charge.method,
        "inputs": charge.inputs,
        "flat_amount": charge.amount,
        "volume": str(sum((p.quantity for p in charge.pieces), Decimal(0))),
        "accounts": accounts,
        "pieces": [_piece(p) for p in charge.pieces],
    }


def _building_volumes(pending: list[tuple[_Flat, _Service]], period: date) -> dict[tuple[int, str], tuple]:
    """(building id, meter kind) → (the building meter's volume of ``period``, the building's total area), for the
    buildings of the chunk's flats that pay a ``shared_by_area`` service (one statement, none without such)."""
    kinds = sorted({s.meter_kind for _f, s in pending if s.method == SHARED_BY_AREA and s.meter_kind})
    if not kinds:
        return {}
    tenant = current_tenant_id()
    rows = _rows(
        select(BuildingReading.building_id, BuildingReading.kind, BuildingReading.volume, Building.total_area)
        .join(Building, (Building.tenant_id == tenant) & (Building.id == BuildingReading.building_id))
        .where(
            BuildingReading.tenant_id == tenant,
            BuildingReading.period == period,
            BuildingReading.kind.in_(kinds),
            BuildingReading.building_id.in_(sorted({f.building_id for f, _s in pending})),
        )
    )
    return {(building, kind): (Decimal(volume), Decimal(area)) for building, kind, volume, area in rows}


def _charge(flat: _Flat, service: _Service, period: date, meters: Sequence[tuple], estimated: Decimal) -> Charge:
    """The flat's charge of ``service``: by area, by the norm, or by its meters of the service's kind."""
    if service.method == PER_AREA:
        return per_area(flat.area, service.tariffs, period)
    if service.method == NORM:
        return by_norm(flat.residents, service.norms, service.tariffs, period)
    if not meters:
        return by_norm(flat.residents, service.norms, service.tariffs, period, service.multiplier)
    volume, resumed, charge = Decimal(0), False, None
    for uses, missing, gap in meters:
        if missing:
            charge = missing_reading(uses, missing, flat.residents, service.norms, service.tariffs, period)
        else:
            volume += uses[-1]
            resumed = resumed or gap > 1  # this reading's use covers the estimated months too
    if charge is not None:
        return charge
    if resumed:
        return true_up(volume, estimated, service.tariffs, period)
    return metered(volume, service.tariffs, period)


def _histories(
    pending: list[tuple[_Flat, _Service]], bounds: tuple[int, int], period: date
) -> dict[tuple[int, str], list[tuple]]:
    """(flat id, meter kind) → per meter in use: (uses of its months with a reading up to ``period``, latest
    last; months without a reading ending at ``period``; when ``period`` has one, the months since the one
    before it). Three statements for the chunk: the meters, the uses of the recent months, and the whole history
    of the few meters whose recent months do not tell (:func:`_needs_older`)."""
    kinds = sorted({service.meter_kind for _flat, service in pending if service.method == METERED})
    if not kinds:
        return {}
    low, high = bounds
    in_use = (
        Meter.tenant_id == current_tenant_id(),
        Meter.premises_id > low,
        Meter.premises_id <= high,
        Meter.kind.in_(kinds),
        Meter.archived_on.is_(None),
    )
    meters = _rows(select(Meter.id, Meter.premises_id, Meter.kind).where(*in_use).order_by(Meter.id)).all()
    if not meters:
        return {}
    uses = _uses(in_use, period, _months_before(period, RECENT_MONTHS))
    sparse = [meter_id for meter_id, _flat, _kind in meters if _needs_older(uses.get(meter_id, {}), period)]
    # Always read (an empty list reads nothing): the chunk's statements are the same whatever its meters.
    uses.update(_uses((Meter.tenant_id == current_tenant_id(), Meter.id.in_(sparse)), period, None))
    found: dict[tuple[int, str], list[tuple]] = defaultdict(list)
    for meter_id, flat_id, kind in meters:
        found[(flat_id, kind)].append(_history(uses.get(meter_id, {}), period))
    return found


def _needs_older(recent: dict[date, Decimal], period: date) -> bool:
    """Whether readings before the :data:`RECENT_MONTHS` could change what a meter with these ``recent`` uses is
    billed: no reading in them at all (how long it has been missing); this month's reading without an earlier
    one in them (the months it covers); a reading missing for at most :data:`AVERAGE_MONTHS` months with fewer
    than :data:`AVERAGE_MAX_HISTORY` months to average (older months join the average)."""
    if not recent:
        return True
    if period in recent:
        return len(recent) == 1
    return _months_between(max(recent), period) <= AVERAGE_MONTHS and len(recent) < AVERAGE_MAX_HISTORY


def _uses(meters: tuple, period: date, since: date | None) -> dict[int, dict[date, Decimal]]:
    """meter id → {period → use of all its zones}, for the ``meters`` conditions' meters and the months with a
    reading up to ``period`` (from ``since``)."""
    query = (
        select(Reading.meter_id, Reading.period, func.sum(Reading.use))
        .join(Meter, Meter.id == Reading.meter_id)
        .where(*meters, Reading.tenant_id == current_tenant_id(), Reading.period <= period, Reading.use.is_not(None))
        .group_by(Reading.meter_id, Reading.period)
    )
    if since is not None:
        query = query.where(Reading.period >= since)
    found: dict[int, dict[date, Decimal]] = defaultdict(dict)
    for meter_id, month, use in _rows(query):
        found[meter_id][month] = Decimal(use)
    return found


def _history(by_period: dict[date, Decimal], period: date) -> tuple[list[Decimal], int, int]:
    periods = sorted(by_period)
    uses = [by_period[p] for p in periods]
    if period in by_period:
        earlier = [p for p in periods if p < period]
        return uses, 0, _months_between(earlier[-1], period) if earlier else 1
    return uses, _months_between(periods[-1], period) if periods else 1, 0


def _estimated_volumes(
    pairs: Iterable[tuple[_Flat, _Service]], period: date, since: dict[tuple[int, str], date]
) -> dict[tuple[int, str], Decimal]:
    """(flat id, service) → the volume billed by estimate (average or norm) in the months before ``period``
    since the flat's last reading (after ``since``: a reading that came late for an estimated month ends the
    estimates there; its month is recalculated), for the flats whose readings resume (one statement for the
    chunk)."""
    pairs = list(pairs)
    if not pairs:
        return {}
    flat_of = {account: flat.id for flat, _service in pairs for account, _ledger in flat.accounts}
    wanted = {(flat.id, service.code) for flat, service in pairs}
    rows = session.execute(
        select(Accrual.personal_account_id, Accrual.service, Accrual.period, Accrual.method, Accrual.trace)
        .where(
            Accrual.personal_account_id.in_(list(flat_of)),
            Accrual.service.in_(sorted({service.code for _flat, service in pairs})),
            Accrual.period < period,
        )
        .order_by(Accrual.period.desc(), Accrual.personal_account_id)
    )
    volumes: dict[tuple[int, str], Decimal] = {}
    seen: dict[tuple[int, str], set[date]] = defaultdict(set)
    ended: set[tuple[int, str]] = set()
    for account, service, month, method, trace in rows:
        key = (flat_of[account], service)
        if key not in wanted or key in ended or month <= since[key]:
            continue
        if method not in (AVERAGE, NORM_METHOD):
            ended.add(key)  # the last month billed by its reading: the estimates end here
            continue
        if month in seen[key]:
            continue  # the flat's volume is on each of its accounts' rows; count it once
        seen[key].add(month)
        volumes[key] = volumes.get(key, Decimal(0)) + Decimal((trace or {}).get("volume", "0"))
    return volumes


def _piece(piece: Piece) -> dict[str, str]:
    return {
        "first": piece.first.isoformat(),
        "last": piece.last.isoformat(),
        "quantity": str(piece.quantity),
        "price": str(piece.price),
        "price_from": piece.price_from.isoformat(),
    }
