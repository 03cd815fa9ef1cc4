"""Penalties posted to the ledger by the billing run, so the balance owes what the ЕПД asks for.

The run of month P brings each account's posted penalties up to the penalty reckoned on the last day of the
month before (:func:`~plugins.housing.penalties.debts.penalty_through`, every month's debt with the days its
parts were paid): one line "penalty" for the difference, or a recalculation back when a payment dated earlier
arrived since. Idempotent: the ledger key names the account, the month and what was posted before, so a
re-run in the same state posts nothing, and a re-run after new payments posts only the correction.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from core.api import PersonalAccount, Tenant, ledger, session, utcnow
from plugins.housing.accruals.run import period_key
from plugins.housing.models import AccountPremises
from plugins.housing.penalties.debts import PENALTY_KIND, penalty_through

SERVICE = "penalty"


def posted_penalty(account: PersonalAccount) -> int:
    """The penalties posted on ``account`` so far, net of recalculations (kopecks owed)."""
    return -sum(p.amount for p in ledger.statement(account.ledger_account) if p.kind == PENALTY_KIND)


def post_penalties(tenant: Tenant, period: date, now: datetime | None = None) -> int:
    """Bring every bound account's posted penalty up to the one reckoned on the day before ``period`` begins.

    Runs in the tenant's scope; the caller commits. Returns the kopecks posted (a recalculation counts negative).
    """
    period = period.replace(day=1)
    as_of = period - timedelta(days=1)
    moment = now or utcnow()
    revenue = ledger.revenue_account(SERVICE)
    ids = session.scalars(select(AccountPremises.personal_account_id).order_by(AccountPremises.personal_account_id))
    transfers, total = [], 0
    for account_id in ids:
        account = session.get(PersonalAccount, account_id)
        posted = posted_penalty(account)
        difference = penalty_through(tenant, account, as_of) - posted
        if difference == 0:
            continue
        source, target = (
            (account.ledger_account_id, revenue.id) if difference > 0 else (revenue.id, account.ledger_account_id)
        )
        transfers.append(
            ledger.Transfer(
                f"housing:penalty:{account.id}:{period_key(period)}:{posted}",
                PENALTY_KIND,
                source,
                target,
                abs(difference),
                SERVICE,
                period_key(period),
                moment,
                f"penalty through {as_of.isoformat()}",
            )
        )
        total += difference
    if transfers:
        ledger.post_transfers(transfers)
    return total
