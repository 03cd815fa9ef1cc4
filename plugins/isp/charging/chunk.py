"""One chunk of a day's charge run: its transfers built from the due rows, posted through the ledger
in one call, and its subscriptions marked charged for the day in one statement."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select, text

from core.api import current_tenant_id, ledger, session
from plugins.isp.charging.plan import FREEZE_SERVICE, KIND, ChargeResult, Plan, freeze_key
from plugins.isp.charging.selection import DueRow
from plugins.isp.models import Freeze


@dataclass
class Chunk:
    """One chunk's transfers and what the run must remember of it."""

    transfers: list = field(default_factory=list)
    totals: dict[str, list[int]] = field(default_factory=dict)  # service → [count, kopecks] of the transfers
    handled: list[int] = field(default_factory=list)  # subscription ids marked charged for the day
    # contract → [monthly fee of its charged services, balance after this chunk], for the reminders
    money: dict[int, list[int]] = field(default_factory=dict)


def _daily_freeze_fees(freeze_ids: set[int]) -> dict[int, int]:
    """``{freeze id: fee per day}`` of those voluntary blocks that charge a daily fee."""
    if not freeze_ids:
        return {}
    return dict(
        session.execute(
            select(Freeze.id, Freeze.fee).where(Freeze.id.in_(freeze_ids), Freeze.fee_kind == "daily", Freeze.fee > 0)
        ).all()
    )


def build_chunk(plan: Plan, rows: list[DueRow], result: ChargeResult) -> Chunk:
    """The chunk's transfers: a day's share per running service, the freeze fee per frozen contract.

    The loop runs once per subscription of the tenant, so it binds what it uses to local names.
    """
    chunk = Chunk(handled=[row[1] for row in rows])
    freeze_fees = _daily_freeze_fees({row[6] for row in rows if row[6] is not None and not row[5]})
    append = chunk.transfers.append
    transfer = ledger.Transfer
    money = chunk.money if plan.remind_days else None
    prices = plan.prices
    suffix, period, occurred_at = plan.key_suffix, plan.period, plan.occurred_at
    counts: dict[int, int] = {}  # product → transfers
    for contract_id, sub_id, product_id, account_id, balance, blocked, freeze_id in rows:
        if blocked:  # blocked for debt: blocked days are not billed
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


def post_chunk(plan: Plan, chunk: Chunk, result: ChargeResult) -> None:
    """Post the chunk's transfers and mark its subscriptions charged for the day (caller commits)."""
    if chunk.transfers:
        duplicates = ledger.post_transfers(chunk.transfers).duplicates
        for transfer in chunk.transfers if duplicates else ():  # posted before: not this run's charges
            if transfer.key in duplicates:
                chunk.totals[transfer.service][0] -= 1
                chunk.totals[transfer.service][1] -= transfer.amount
    result.merge(chunk.totals)
    mark_charged(chunk.handled, plan.day)


def mark_charged(subscription_ids: list[int], day: date) -> None:
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
