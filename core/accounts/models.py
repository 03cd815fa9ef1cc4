"""Personal accounts and who may use them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db.base import Base, TenantOwned, utcnow
from core.db.tenant_keys import tenant_ref
from core.ledger.models import LedgerAccount

INDIVIDUAL = "individual"
LEGAL = "legal"
ACCOUNT_OPEN = "open"
ACCOUNT_CLOSED = "closed"


class PersonalAccount(TenantOwned, Base):
    """A personal account (лицевой счёт): number, holder, address, status; its money is in the ledger."""

    __tablename__ = "personal_accounts"
    __table_args__ = (UniqueConstraint("tenant_id", "number"), UniqueConstraint("tenant_id", "ledger_account_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40))
    holder_kind: Mapped[str] = mapped_column(String(20), default=INDIVIDUAL)
    holder_name: Mapped[str] = mapped_column(String(300), default="")
    holder_inn: Mapped[str] = mapped_column(String(12), default="")
    address: Mapped[str] = mapped_column(String(400), default="")
    status: Mapped[str] = mapped_column(String(20), default=ACCOUNT_OPEN)
    opened_on: Mapped[date] = mapped_column(default=date.today)
    closed_on: Mapped[date | None] = mapped_column(nullable=True)
    ledger_account_id: Mapped[int] = tenant_ref("ledger_accounts")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Case-folded number, holder and address for search (SQLite's lower() does not fold Cyrillic).
    search_text: Mapped[str] = mapped_column(String(800), default="")

    ledger_account: Mapped[LedgerAccount] = relationship(foreign_keys=[ledger_account_id], lazy="joined")

    @property
    def balance(self) -> int:
        """The subscriber's money in kopecks (negative = debt)."""
        return self.ledger_account.balance

    @property
    def is_legal(self) -> bool:
        return self.holder_kind == LEGAL


@event.listens_for(PersonalAccount, "before_insert")
@event.listens_for(PersonalAccount, "before_update")
def _fill_search_text(_mapper, _connection, account: PersonalAccount) -> None:
    account.search_text = " ".join(filter(None, (account.number, account.holder_name, account.address))).casefold()


class AccountAccess(TenantOwned, Base):
    """A user may see and pay into a personal account (several per user, several users per account)."""

    __tablename__ = "account_access"
    __table_args__ = (
        UniqueConstraint("tenant_id", "user_id", "personal_account_id"),
        Index("ix_account_access_account", "tenant_id", "personal_account_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = tenant_ref("users", ondelete="CASCADE")
    personal_account_id: Mapped[int] = tenant_ref("personal_accounts", ondelete="CASCADE")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
