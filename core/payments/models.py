"""Payments (card orders, registry lines, manual), registry imports and the gateway's notification log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, TenantOwned, utcnow
from core.db.tenant_keys import tenant_ref

CREATED = "created"  # a card order waiting for the gateway
POSTED = "posted"  # money is on the personal account
SUSPENSE = "suspense"  # money arrived for an account we do not know; on the suspense account
MOVED = "moved"  # a suspense payment an operator moved to the right account

CARD = "card"
REGISTRY = "registry"
MANUAL = "manual"
AGENT = "agent"  # an online payment agent (OSMP protocol): posted at once, reconciled by the registry


class Payment(TenantOwned, Base):
    """Money from a subscriber, by card, bank registry or at the office; posted through the ledger once."""

    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("tenant_id", "order_id"),
        Index("ix_payments_account", "tenant_id", "personal_account_id", "created_at"),
        Index("ix_payments_status", "tenant_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    provider: Mapped[str] = mapped_column(String(40), default="")
    order_id: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(100), default="")
    personal_account_id: Mapped[int | None] = tenant_ref("personal_accounts", nullable=True)
    account_number: Mapped[str] = mapped_column(String(40), default="")
    amount: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20), default=CREATED)
    payer: Mapped[str] = mapped_column(String(300), default="")
    paid_at: Mapped[datetime | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    posted_at: Mapped[datetime | None] = mapped_column(nullable=True)
    transaction_id: Mapped[int | None] = tenant_ref("ledger_transactions", nullable=True)
    registry_import_id: Mapped[int | None] = tenant_ref("registry_imports", nullable=True)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class RegistryImport(TenantOwned, Base):
    """One imported bank registry file and its reconciliation figures."""

    __tablename__ = "registry_imports"
    __table_args__ = (Index("ix_registry_imports_tenant_sha", "tenant_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(260))
    sha256: Mapped[str] = mapped_column(String(64))
    provider: Mapped[str] = mapped_column(String(40))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(260), default="")
    lines: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    matched: Mapped[int] = mapped_column(default=0)
    matched_total: Mapped[int] = mapped_column(BigInteger, default=0)
    suspense: Mapped[int] = mapped_column(default=0)
    suspense_total: Mapped[int] = mapped_column(BigInteger, default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    duplicates_total: Mapped[int] = mapped_column(BigInteger, default=0)
    # "staging", then "posting" while its chunks are posted (a stopped import resumes from ``posted_lines``), "done"
    status: Mapped[str] = mapped_column(String(20), default="done", server_default="done")
    posted_lines: Mapped[int] = mapped_column(default=0, server_default="0")  # staged lines posted so far


IMPORT_STAGING = "staging"  # its lines are being staged; nothing posted (an import found so is staged again)
IMPORT_POSTING = "posting"
IMPORT_DONE = "done"


class RegistryImportLine(TenantOwned, Base):
    """A checked registry line waiting to be posted (staging): kept until its import is done.

    The import stages every new line of a file in one short transaction, then posts them in chunks of
    ``seq`` order, each in its own transaction that also advances ``RegistryImport.posted_lines``;
    a stopped import resumes at the first line not posted.
    """

    __tablename__ = "registry_import_lines"

    registry_import_id: Mapped[int] = tenant_ref("registry_imports", ondelete="CASCADE", primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True)  # 0-based posting order
    line: Mapped[int] = mapped_column()  # the file's line number
    paid_on: Mapped[date] = mapped_column()
    payment_id: Mapped[str] = mapped_column(String(100))
    account: Mapped[str] = mapped_column(String(40))
    number: Mapped[str] = mapped_column(String(40))
    payer: Mapped[str] = mapped_column(String(300), default="")
    amount: Mapped[int] = mapped_column(BigInteger)


QUEUED = "queued"  # a registry upload waiting for the job worker
RUNNING = "running"  # the worker is importing it
DONE = "done"  # imported: ``registry_import_id`` has the reconciliation
FAILED = "failed"  # refused: ``problems`` lists why, by line; nothing was posted


class RegistryUpload(TenantOwned, Base):
    """A registry file uploaded on the admin page, imported by the job worker (all or nothing) in the background."""

    __tablename__ = "registry_uploads"
    __table_args__ = (Index("ix_registry_uploads_tenant_status", "tenant_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(260))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    data: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)  # dropped once imported
    actor: Mapped[str] = mapped_column(String(260), default="")
    status: Mapped[str] = mapped_column(String(20), default=QUEUED)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
    checked_lines: Mapped[int | None] = mapped_column(nullable=True)  # progress: the file is checked, being posted
    checked_total: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Set once the import is done; a done import is never deleted (no ON DELETE SET NULL: it would null tenant_id).
    registry_import_id: Mapped[int | None] = tenant_ref("registry_imports", nullable=True)


class GatewayNotification(TenantOwned, Base):
    """Every server-to-server notification a gateway sent, with what we did about it (secrets redacted)."""

    __tablename__ = "gateway_notifications"
    __table_args__ = (Index("ix_gateway_notifications_tenant_at", "tenant_id", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    remote_addr: Mapped[str] = mapped_column(String(45), default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    outcome: Mapped[str] = mapped_column(String(20))  # "posted", "duplicate", "refused"
    reason: Mapped[str] = mapped_column(String(300), default="")
