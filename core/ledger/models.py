"""Ledger accounts, transactions and postings. Postings are never updated or deleted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db.base import Base, TenantOwned, utcnow
from core.db.tenant_keys import tenant_ref

# Ledger account kinds. Sign convention: a posting's amount is what it adds to the account's
# balance; every transaction's postings sum to zero. A personal account's balance is the money the
# subscriber has (negative = debt); a payment adds to it, a charge takes from it.
PERSONAL = "personal"
REVENUE = "revenue"
CLEARING = "clearing"
SUSPENSE = "suspense"
CREDIT = "credit"
ADJUSTMENT = "adjustment"


class LedgerAccount(TenantOwned, Base):
    """One account of the tenant's chart: a subscriber's personal account, revenue per service,
    a payment channel's clearing, suspense, promised credit. ``balance`` is materialised."""

    __tablename__ = "ledger_accounts"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200), default="")
    balance: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerTransaction(TenantOwned, Base):
    """A balanced set of postings with an idempotency key unique in the tenant."""

    __tablename__ = "ledger_transactions"
    __table_args__ = (
        UniqueConstraint("tenant_id", "idempotency_key"),
        Index("ix_ledger_transactions_tenant_reverses", "tenant_id", "reverses_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    payload_hash: Mapped[str] = mapped_column(String(64))
    memo: Mapped[str] = mapped_column(String(300), default="")
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reverses_id: Mapped[int | None] = tenant_ref("ledger_transactions", nullable=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(260), default="")

    postings: Mapped[list[Posting]] = relationship(
        back_populates="transaction", foreign_keys="Posting.transaction_id", order_by="Posting.id"
    )


class Posting(TenantOwned, Base):
    """One line of a transaction: an amount in kopecks on one ledger account."""

    __tablename__ = "postings"
    __table_args__ = (
        Index("ix_postings_account_time", "tenant_id", "ledger_account_id", "occurred_at"),
        Index("ix_postings_transaction", "tenant_id", "transaction_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    transaction_id: Mapped[int] = tenant_ref("ledger_transactions")
    ledger_account_id: Mapped[int] = tenant_ref("ledger_accounts")
    amount: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(30))
    service: Mapped[str | None] = mapped_column(String(60), nullable=True)
    period: Mapped[str | None] = mapped_column(String(7), nullable=True)  # "YYYY-MM" the line is for
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)

    transaction: Mapped[LedgerTransaction] = relationship(back_populates="postings", foreign_keys=[transaction_id])


class ImmutablePostingError(RuntimeError):
    """Postings and transactions are never changed or deleted: post a reversal instead."""


@event.listens_for(Posting, "before_update")
@event.listens_for(Posting, "before_delete")
@event.listens_for(LedgerTransaction, "before_update")
@event.listens_for(LedgerTransaction, "before_delete")
def _refuse_change(_mapper, _connection, target) -> None:
    raise ImmutablePostingError(f"{type(target).__name__} {target.id} is immutable; post a reversal")
