"""Daily charging: every running service's share of its monthly fee for one day, posted exactly once.

The run for a day selects the subscriptions that are due (running that day, not bundled into a
tariff, with a fee, not yet charged for it) in chunks ordered by contract, so each chunk is a few
set-based statements: one select, one :func:`ledger.post_transfers`, one ``UPDATE`` of
``charged_through``, one commit. A crash loses at most the chunk in flight; a re-run continues where
it stopped, and the ledger's idempotency key ``isp:charge:<subscription>:<day>`` makes charging
twice impossible even if ``charged_through`` were behind. Memory stays flat in the number of
subscribers: nothing but the current chunk is held.

A contract blocked for debt is not charged (blocked days are not billed), a voluntarily blocked
one is charged the freeze's daily fee instead (if the tenant set one); either way its subscriptions
are marked charged for the day, so a later catch-up does not bill those days. After a day's charges
every contract in debt is passed to :func:`blocking.refresh` (it blocks at once or after the
tenant's grace period), and subscribers whose money lasts ``low_balance_days`` or less get a reminder.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import NamedTuple

from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, func, null, or_, select, text

from core.api import (
    Job,
    PersonalAccount,
    Tenant,
    current_tenant_id,
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
from plugins.isp.calendar import day_amount, days, days_in_month, tenant_today, tenant_zone
from plugins.isp.models import ACTIVE, FINISHED, SCHEDULED, ChargeRun, Contract, Freeze, Product, Subscription

log = logging.getLogger(__name__)

# core.api exports the ledger service module, not the ledger models; the service module has the model.
LedgerAccount = ledger.LedgerAccount

CHUNK_SIZE = 5000
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
        return {
            "by_service": self.by_service,
            "skipped_blocked": self.skipped_blocked,
            "frozen": self.frozen,
            "reminded": self.reminded,
            "chunks": self.chunks,
        }


ChunkCallback = Callable[[ChargeResult], None]


def charge_key(subscription_id: int, day: date) -> str:
    """The ledger idempotency key of one subscription's charge for one day."""
    return f"isp:charge:{subscription_id}:{day.isoformat()}"


def freeze_key(freeze_id: int, day: date) -> str:
    """The ledger idempotency key of a voluntary block's daily fee for one day."""
    return f"isp:freeze:{freeze_id}:{day.isoformat()}"


def start_of_day(tenant: Tenant, day: date) -> datetime:
    """Midnight at the start of ``day`` in the tenant's time zone (when that day's charge happens)."""
    return datetime.combine(day, clock(0), tzinfo=tenant_zone(tenant))


# --- what one day needs to know -------------------------------------------------------------------


class _Price(NamedTuple):
    """A product's price on the run's day (a tuple: the charge loop unpacks it)."""

    code: str  # the service code on the postings
    fee: int  # per month
    amount: int  # for this day
    memo: str
    revenue_id: int  # 0 in a dry run


@dataclass(frozen=True)
class _Plan:
    """What a day's run works out once: prices of the day, memos, revenue accounts, settings."""

    day: date
    key_suffix: str  # ":YYYY-MM-DD" of the idempotency keys
    period: str
    occurred_at: datetime
    prices: dict[int, _Price]  # product id → price of the day
    freeze_revenue_id: int
    freeze_memo: str
    remind_days: int  # 0: no low-balance reminders in this run
    grace_days: int


def _plan(tenant: Tenant, day: date, *, dry_run: bool, remind: bool) -> _Plan:
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
            row.id: _Price(
                row.code,
                row.monthly_fee,
                day_amount(row.monthly_fee, day),
                _("%(service)s, %(date)s", service=row.title, date=when),
                revenue.get(row.kind, 0),
            )
            for row in rows
        }
        freeze_memo = _("Voluntary block, %(date)s", date=when)
    return _Plan(
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


# --- selecting what is due ------------------------------------------------------------------------


def _due(day: date, product_ids: list[int]):
    """A subscription due for a charge on ``day`` (before looking at its contract)."""
    return and_(
        Subscription.starts_on <= day,
        or_(Subscription.ends_on.is_(None), Subscription.ends_on >= day),
        Subscription.bundled_with_id.is_(None),
        Subscription.product_id.in_(product_ids),
        or_(Subscription.charged_through.is_(None), Subscription.charged_through < day),
    )


def _any_freeze_on(day: date) -> bool:
    """Whether any voluntary block covers ``day`` (when none does, the chunks skip looking for one)."""
    return (
        session.scalar(
            select(Freeze.id)
            .where(
                Freeze.status.in_((SCHEDULED, ACTIVE, FINISHED)),
                Freeze.starts_on <= day,
                func.coalesce(Freeze.ended_on, Freeze.ends_on) >= day,
            )
            .limit(1)
        )
        is not None
    )


def _due_chunks(day: date, product_ids: list[int], size: int) -> Iterator[list]:
    """Rows ``(contract id, subscription id, product id, ledger account id, balance, blocked since,
    freeze id)`` of the subscriptions due on ``day``, about ``size`` at a time, two queries per chunk.

    Ordered by contract; a full chunk leaves its last contract's rows to the next one, so all of a
    contract's services are charged in one chunk (its balance is final when the chunk is posted).
    Keyset pagination on the contract (a range of the ``(tenant, contract)`` index, whose order is
    the query's): each chunk reads only its own rows, and nothing accumulates between chunks. The
    chunk's contracts (account, balance, block, freeze) come from a second query over the same
    range: a lookup per contract, not per subscription.

    The hot path of the run, so it is executed as plain SQL on the session's connection (no ORM
    row processing, half the time): the tenant conditions the ORM guard would add are written out.
    """
    tenant = current_tenant_id()
    if tenant is None:
        raise RuntimeError("the charge run works inside a tenant scope")
    subscriptions = (
        select(Subscription.contract_id, Subscription.id, Subscription.product_id)
        .where(Subscription.tenant_id == tenant, _due(day, product_ids))
        .order_by(Subscription.contract_id, Subscription.id)
        .limit(size)
    )
    # One statement object per query for the whole run: SQLAlchemy builds its cache key once.
    next_chunk = subscriptions.where(Subscription.contract_id > bindparam("after"))
    contracts = _contracts_query(tenant, day).where(Contract.id >= bindparam("first"), Contract.id <= bindparam("last"))

    def execute(statement, params=None):  # the session's current transaction (it commits per chunk)
        return session.connection().execute(statement, params)

    def with_contracts(rows: list, first: int, last: int) -> list:
        found = {row[0]: row[1:] for row in execute(contracts, {"first": first, "last": last})}
        return [(*row, *found[row[0]]) for row in rows if row[0] in found]

    after = 0
    while True:
        rows = execute(next_chunk, {"after": after}).all()
        if not rows:
            return
        if len(rows) < size or rows[0][0] != rows[-1][0]:
            if len(rows) == size:  # the last contract may go on past the limit: the next chunk has it
                rows = [row for row in rows if row[0] != rows[-1][0]]
            after = rows[-1][0]
            yield with_contracts(rows, rows[0][0], after)
            continue
        # One contract with more due services than a chunk holds (never in practice): page by id.
        contract_id = rows[0][0]
        while rows:
            yield with_contracts(rows, contract_id, contract_id)
            page = subscriptions.where(Subscription.contract_id == contract_id, Subscription.id > rows[-1][1])
            rows = execute(page).all()
        after = contract_id


def _contracts_query(tenant: int, day: date):
    """Contracts with their ledger account, balance, debt block and the voluntary block on ``day``."""
    if _any_freeze_on(day):
        freeze = (
            select(Freeze.id)
            .where(
                Freeze.tenant_id == tenant,
                Freeze.contract_id == Contract.id,
                Freeze.status.in_((SCHEDULED, ACTIVE, FINISHED)),
                Freeze.starts_on <= day,
                func.coalesce(Freeze.ended_on, Freeze.ends_on) >= day,
            )
            .order_by(Freeze.id)
            .limit(1)
            .correlate(Contract)
            .scalar_subquery()
        )
    else:
        freeze = null()
    return (
        select(Contract.id, PersonalAccount.ledger_account_id, LedgerAccount.balance, Contract.blocked_since, freeze)
        .join(
            PersonalAccount,
            and_(PersonalAccount.tenant_id == tenant, PersonalAccount.id == Contract.personal_account_id),
        )
        .join(
            LedgerAccount,
            and_(LedgerAccount.tenant_id == tenant, LedgerAccount.id == PersonalAccount.ledger_account_id),
        )
        .where(Contract.tenant_id == tenant)
    )


def _daily_freeze_fees(freeze_ids: set[int]) -> dict[int, int]:
    """``{freeze id: fee per day}`` of those voluntary blocks that charge a daily fee."""
    if not freeze_ids:
        return {}
    return dict(
        session.execute(
            select(Freeze.id, Freeze.fee).where(Freeze.id.in_(freeze_ids), Freeze.fee_kind == "daily", Freeze.fee > 0)
        ).all()
    )


# --- charging one chunk ---------------------------------------------------------------------------


@dataclass
class _Chunk:
    """One chunk's transfers and what the run must remember of it."""

    transfers: list = field(default_factory=list)
    totals: dict[str, list[int]] = field(default_factory=dict)  # service → [count, kopecks] of the transfers
    handled: list[int] = field(default_factory=list)  # subscription ids marked charged for the day
    # contract → [monthly fee of its charged services, balance after this chunk], for the reminders
    money: dict[int, list[int]] = field(default_factory=dict)


def _build_chunk(plan: _Plan, rows: list, result: ChargeResult) -> _Chunk:
    """The chunk's transfers: a day's share per running service, the freeze fee per frozen contract.

    The loop runs once per subscription of the tenant, so it binds what it uses to local names.
    """
    chunk = _Chunk(handled=[row[1] for row in rows])
    freeze_fees = _daily_freeze_fees({row[6] for row in rows if row[6] is not None and row[5] is None})
    transfers = chunk.transfers
    append = transfers.append
    transfer = ledger.Transfer
    money = chunk.money if plan.remind_days else None
    prices = plan.prices
    suffix, period, occurred_at = plan.key_suffix, plan.period, plan.occurred_at
    counts: dict[int, int] = {}  # product → transfers
    for contract_id, sub_id, product_id, account_id, balance, blocked_since, freeze_id in rows:
        if blocked_since is not None:  # blocked for debt: blocked days are not billed
            result.skipped_blocked += 1
            continue
        if freeze_id is not None:  # voluntary block: its daily fee (once per contract), no service fees
            result.frozen += 1
            fee = freeze_fees.pop(freeze_id, None)
            if fee:
                key = freeze_key(freeze_id, plan.day)
                append(
                    transfer(
                        key,
                        KIND,
                        account_id,
                        plan.freeze_revenue_id,
                        fee,
                        FREEZE_SERVICE,
                        period,
                        occurred_at,
                        plan.freeze_memo,
                    )
                )
                line = chunk.totals.setdefault(FREEZE_SERVICE, [0, 0])
                line[0] += 1
                line[1] += fee
            continue
        code, fee, amount, memo, revenue_id = prices[product_id]
        if money is not None:
            spent = money.get(contract_id)
            if spent is None:
                money[contract_id] = [fee, balance - amount]
            else:
                spent[0] += fee
                spent[1] -= amount
        if amount <= 0:
            continue  # a fee under a kopeck a day: some days cost nothing
        # the key is charge_key(), without a call per charge
        append(
            transfer(
                f"isp:charge:{sub_id}{suffix}", KIND, account_id, revenue_id, amount, code, period, occurred_at, memo
            )
        )
        counts[product_id] = counts.get(product_id, 0) + 1
    for product_id, count in counts.items():
        price = prices[product_id]
        line = chunk.totals.setdefault(price.code, [0, 0])
        line[0] += count
        line[1] += count * price.amount
    return chunk


def _post_chunk(plan: _Plan, chunk: _Chunk, result: ChargeResult) -> None:
    """Post the chunk's transfers and mark its subscriptions charged for the day (caller commits)."""
    if chunk.transfers:
        duplicates = ledger.post_transfers(chunk.transfers).duplicates
        for transfer in chunk.transfers if duplicates else ():  # posted before: not this run's charges
            if transfer.key in duplicates:
                chunk.totals[transfer.service][0] -= 1
                chunk.totals[transfer.service][1] -= transfer.amount
    result.merge(chunk.totals)
    _mark_charged(chunk.handled, plan.day)


def _mark_charged(subscription_ids: list[int], day: date) -> None:
    """``charged_through = day`` for these subscriptions: one statement with one array parameter
    (an ``IN`` list of thousands of parameters costs more to build than to run)."""
    if not subscription_ids:
        return
    if session.get_bind().dialect.name == "postgresql":
        params = {"t": current_tenant_id(), "day": day, "ids": subscription_ids}
        chosen = "id = ANY(CAST(:ids AS integer[])) AND tenant_id = :t"
    else:  # SQLite stores a date as its ISO text; "+tenant_id" keeps its planner on the primary key
        params = {"t": current_tenant_id(), "day": day.isoformat(), "ids": json.dumps(subscription_ids)}
        chosen = "id IN (SELECT value FROM json_each(:ids)) AND +tenant_id = :t"
    session.execute(
        text(
            f"UPDATE isp_subscriptions SET charged_through = :day WHERE {chosen} "
            "AND (charged_through IS NULL OR charged_through < :day)"
        ),
        params,
    )


# --- after the charges: reminders and blocking ----------------------------------------------------


def _remind_low_balances(tenant: Tenant, plan: _Plan, chunk: _Chunk) -> int:
    """Remind subscribers whose balance lasts ``low_balance_days`` or less (once per contract and day)."""
    if not plan.remind_days:
        return 0
    month_days = days_in_month(plan.day)
    low: dict[int, int] = {}
    for contract_id, (fee, balance) in chunk.money.items():
        cost = -(-fee // month_days)
        if cost <= 0 or balance // cost > plan.remind_days:
            continue
        if balance < 0 and not plan.grace_days:
            continue  # blocked at once: the block notice says it
        low[contract_id] = cost
    if not low:
        return 0
    found = session.execute(
        select(Contract.id, Contract.number, PersonalAccount)
        .join(PersonalAccount, PersonalAccount.id == Contract.personal_account_id)
        .where(Contract.id.in_(low))
    ).all()
    for contract_id, number, account in found:
        _remind(tenant, contract_id, number, account, low[contract_id], plan.day)
    return len(low)


def _remind(tenant: Tenant, contract_id: int, number: str, account: PersonalAccount, cost: int, day: date) -> None:
    balance = account.balance
    for user in users_of_account(account):
        with force_locale(user.locale or tenant.locale):
            title = _("Low balance on contract %(number)s", number=number)
            if balance < 0:
                body = _(
                    "The balance is %(balance)s. Top up the account, or the services will be blocked for debt.",
                    balance=format_money(balance),
                )
            else:
                left = balance // cost
                body = ngettext(
                    "The balance is %(balance)s: enough for %(num)d day of services. Top up to keep them running.",
                    "The balance is %(balance)s: enough for %(num)d days of services. Top up to keep them running.",
                    left,
                    balance=format_money(balance),
                )
        notify(
            user,
            "low_balance",
            title,
            body,
            dedupe_key=f"isp:low_balance:{contract_id}:{day.isoformat()}",
            tenant=tenant,
        )


def refresh_debtors(tenant: Tenant, now: datetime, chunk_size: int = CHUNK_SIZE) -> int:
    """Run :func:`blocking.refresh` for every unblocked contract in debt (or in a grace period).

    Set-based: one query per ``chunk_size`` contracts finds them, commits per chunk. Returns how
    many contracts were blocked.
    """
    grace_days = plugin_settings(tenant, "isp")["block_grace_days"]
    blocked = 0
    last = 0
    while True:
        ids = session.scalars(
            select(Contract.id)
            .join(PersonalAccount, PersonalAccount.id == Contract.personal_account_id)
            .join(LedgerAccount, LedgerAccount.id == PersonalAccount.ledger_account_id)
            .where(
                Contract.blocked_since.is_(None),
                Contract.id > last,
                or_(LedgerAccount.balance < 0, Contract.negative_since.is_not(None)),
            )
            .order_by(Contract.id)
            .limit(chunk_size)
        ).all()
        if not ids:
            return blocked
        for contract in session.scalars(select(Contract).where(Contract.id.in_(ids)).order_by(Contract.id)):
            if blocking.refresh(tenant, contract, now, grace_days=grace_days) == blocking.BLOCKED:
                blocked += 1
        session.commit()
        last = ids[-1]


# --- the runs -------------------------------------------------------------------------------------


def _moment(tenant: Tenant, day: date, now: datetime) -> datetime:
    """When a day's charge "happens" for blocking: now for today, the start of the day otherwise
    (a catch-up of past days blocks and counts grace days as if it had run on time)."""
    return now if tenant_today(tenant, now) == day else start_of_day(tenant, day)


def _record(run: ChargeRun | None, result: ChargeResult, finished: datetime | None = None) -> ChargeRun:
    if run is None:
        run = ChargeRun(day=result.day, trigger=result.trigger)
        session.add(run)
    run.charges = result.charges
    run.total = result.total
    run.blocked = result.blocked
    run.details = result.details()
    run.finished_at = finished
    session.flush()
    result.run_id = run.id
    return run


def charge_day(
    tenant: Tenant,
    day: date,
    *,
    dry_run: bool = False,
    trigger: str = JOB_TRIGGER,
    now: datetime | None = None,
    chunk_size: int = CHUNK_SIZE,
    on_chunk: ChunkCallback | None = None,
) -> ChargeResult:
    """Charge every subscription due on ``day`` in the current tenant; returns the totals.

    Commits after each chunk of about ``chunk_size`` subscriptions (the caller's open work is
    committed with the first one), then passes contracts in debt to :func:`blocking.refresh` and
    sends low-balance reminders (for the tenant's today only). A real run is recorded as a
    :class:`ChargeRun` — except a job run that found nothing to do, so the hourly job does not fill
    the operator's list with empty runs. ``dry_run`` writes nothing and returns what would be
    charged. ``on_chunk(result)`` is called after each committed chunk (progress, tests).
    """
    started = time.perf_counter()
    now = now or utcnow()
    result = ChargeResult(day=day, dry_run=dry_run, trigger=trigger)
    plan = _plan(tenant, day, dry_run=dry_run, remind=tenant_today(tenant, now) == day)
    run: ChargeRun | None = None
    product_ids = sorted(plan.prices)
    if product_ids:
        for rows in _due_chunks(day, product_ids, chunk_size):
            chunk = _build_chunk(plan, rows, result)
            result.chunks += 1
            if dry_run:
                result.merge(chunk.totals)
                continue
            _post_chunk(plan, chunk, result)
            result.reminded += _remind_low_balances(tenant, plan, chunk)
            run = _record(run, result)
            session.commit()
            if on_chunk is not None:
                on_chunk(result)
    if not dry_run:
        result.blocked = refresh_debtors(tenant, _moment(tenant, day, now), chunk_size)
        if run is not None or trigger != JOB_TRIGGER or result.blocked:
            _record(run, result, utcnow())
            session.commit()
    result.seconds = time.perf_counter() - started
    return result


def first_uncharged_day(today: date) -> date | None:
    """The earliest day not yet charged of any chargeable subscription started by ``today``."""
    chargeable = session.scalars(select(Product.id).where(Product.monthly_fee > 0)).all()
    if not chargeable:
        return None
    common = (
        Subscription.bundled_with_id.is_(None),
        Subscription.product_id.in_(chargeable),
        Subscription.starts_on <= today,
    )
    never = session.scalar(
        select(func.min(Subscription.starts_on)).where(*common, Subscription.charged_through.is_(None))
    )
    behind = session.scalar(
        select(func.min(Subscription.charged_through)).where(
            *common,
            Subscription.charged_through < today,
            or_(Subscription.ends_on.is_(None), Subscription.ends_on > Subscription.charged_through),
        )
    )
    candidates = [d for d in (never, behind + timedelta(days=1) if behind else None) if d is not None]
    return min(candidates) if candidates else None


def charge_until(
    tenant: Tenant,
    today: date,
    *,
    dry_run: bool = False,
    trigger: str = JOB_TRIGGER,
    now: datetime | None = None,
    chunk_size: int = CHUNK_SIZE,
    on_chunk: ChunkCallback | None = None,
) -> list[ChargeResult]:
    """Catch up: charge every day from the earliest uncharged one through ``today``, in day order.

    Missed days (the job did not run, a subscription was entered late) are charged on their own
    dates. Always runs ``today`` (so a manual run is recorded even when nothing is due).
    """
    first = first_uncharged_day(today)
    start = min(first, today) if first is not None else today
    return [
        charge_day(tenant, day, dry_run=dry_run, trigger=trigger, now=now, chunk_size=chunk_size, on_chunk=on_chunk)
        for day in days(start, today)
    ]


def run_job(now: datetime) -> str:
    """The ``isp.charge`` job: catch up every tenant that has the isp plugin enabled.

    A tenant that fails is logged and skipped; the others are still charged.
    """
    done = []
    for tenant in tenants_with_plugin("isp"):
        try:
            with tenant_scope(tenant.id):
                results = charge_until(tenant, tenant_today(tenant, now), now=now)
        except Exception:
            session.rollback()
            log.exception("isp charge run failed for tenant %s", tenant.slug)
            done.append(f"{tenant.slug}: failed")
            continue
        done.append(f"{tenant.slug}: {sum(r.charges for r in results)} charge(s)")
    return "; ".join(done) or "no tenant has isp enabled"


def jobs() -> list[Job]:
    """The periodic charge job (hourly: the first run after midnight charges the new day)."""
    return [Job("isp.charge", run_job, every_seconds=3600)]
