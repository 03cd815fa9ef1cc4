"""Which subscriptions a day's charge run bills: the due subscriptions with their contract's money
and state, read a chunk at a time in one set-based query per chunk."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import and_, bindparam, case, func, null, or_, select

from core.api import PersonalAccount, current_tenant_id, ledger, session
from plugins.isp.models import ACTIVE, FINISHED, SCHEDULED, Contract, Freeze, Subscription

# core.api exports the ledger service module, not the ledger models; the service module has the model.
LedgerAccount = ledger.LedgerAccount

# A due row: (contract id, subscription id, product id, ledger account id, balance, blocked for debt
# (1/0), id of the voluntary block covering the day or None).
DueRow = tuple[int, int, int, int, int, int, int | None]


def is_due(day: date, product_ids: list[int]):
    """A subscription due for a charge on ``day`` (before looking at its contract)."""
    return and_(
        Subscription.starts_on <= day,
        or_(Subscription.ends_on.is_(None), Subscription.ends_on >= day),
        Subscription.bundled_with_id.is_(None),
        Subscription.product_id.in_(product_ids),
        or_(Subscription.charged_through.is_(None), Subscription.charged_through < day),
    )


def _freeze_covers(day: date):
    return and_(
        Freeze.status.in_((SCHEDULED, ACTIVE, FINISHED)),
        Freeze.starts_on <= day,
        func.coalesce(Freeze.ended_on, Freeze.ends_on) >= day,
    )


def _any_freeze_on(day: date) -> bool:
    """Whether any voluntary block covers ``day`` (when none does, the chunks skip looking for one)."""
    return session.scalar(select(Freeze.id).where(_freeze_covers(day)).limit(1)) is not None


def _due_query(tenant: int, day: date, product_ids: list[int], size: int | None):
    """Due subscriptions joined to their contract, ledger account and balance, ordered by contract.

    The tenant conditions the ORM guard would add are written out: the query runs on the session's
    connection, without ORM row processing.
    """
    if _any_freeze_on(day):
        freeze = (
            select(Freeze.id)
            .where(Freeze.tenant_id == tenant, Freeze.contract_id == Contract.id, _freeze_covers(day))
            .order_by(Freeze.id)
            .limit(1)
            .correlate(Contract)
            .scalar_subquery()
        )
    else:
        freeze = null()
    blocked = case((Contract.blocked_since.is_(None), 0), else_=1)  # a flag: no timestamp to convert per row
    return (
        select(
            Subscription.contract_id,
            Subscription.id,
            Subscription.product_id,
            PersonalAccount.ledger_account_id,
            LedgerAccount.balance,
            blocked,
            freeze,
        )
        .join(Contract, and_(Contract.tenant_id == tenant, Contract.id == Subscription.contract_id))
        .join(
            PersonalAccount,
            and_(PersonalAccount.tenant_id == tenant, PersonalAccount.id == Contract.personal_account_id),
        )
        .join(
            LedgerAccount,
            and_(LedgerAccount.tenant_id == tenant, LedgerAccount.id == PersonalAccount.ledger_account_id),
        )
        .where(Subscription.tenant_id == tenant, is_due(day, product_ids))
        .order_by(Subscription.contract_id, Subscription.id)
        .limit(size)
    )


def count_due(day: date, product_ids: list[int]) -> int:
    """How many subscriptions are due on ``day`` (a charge run's progress counts them)."""
    tenant = current_tenant_id()
    if tenant is None or not product_ids:
        return 0
    due = _due_query(tenant, day, product_ids, None).order_by(None).subquery()
    return session.connection().execute(select(func.count()).select_from(due)).scalar_one()


def due_chunks(day: date, product_ids: list[int], size: int) -> Iterator[list[DueRow]]:
    """:data:`DueRow` rows of the subscriptions due on ``day``, about ``size`` at a time, one query
    per chunk.

    Ordered by contract; a full chunk leaves its last contract's rows to the next one, so all of a
    contract's services are charged in one chunk (its balance is final when the chunk is posted).
    Keyset pagination on the contract (a range of the ``(tenant, contract)`` index, whose order is
    the query's): each chunk reads only its own rows, and nothing accumulates between chunks.
    """
    tenant = current_tenant_id()
    if tenant is None:
        raise RuntimeError("the charge run works inside a tenant scope")
    due = _due_query(tenant, day, product_ids, size)
    # One statement object for the whole run: SQLAlchemy builds its cache key once.
    next_chunk = due.where(Subscription.contract_id > bindparam("after"))

    def execute(statement, params=None) -> list:  # the session's current transaction (it commits per chunk)
        return session.connection().execute(statement, params).all()

    after = 0
    while True:
        rows = execute(next_chunk, {"after": after})
        if not rows:
            return
        if len(rows) < size or rows[0][0] != rows[-1][0]:
            if len(rows) == size:  # the last contract may go on past the limit: the next chunk has it
                last = rows[-1][0]
                rows = [row for row in rows if row[0] != last]
            after = rows[-1][0]
            yield rows
            continue
        # One contract with more due services than a chunk holds (never in practice): page by id.
        contract_id = rows[0][0]
        while rows:
            yield rows
            rows = execute(due.where(Subscription.contract_id == contract_id, Subscription.id > rows[-1][1]))
        after = contract_id
