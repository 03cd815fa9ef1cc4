"""Public accounts service: open personal accounts, give users access, find and search them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from sqlalchemy import Select, bindparam, delete, select

from core.accounts.models import ACCOUNT_CLOSED, ACCOUNT_OPEN, INDIVIDUAL, AccountAccess, PersonalAccount
from core.audit.service import record as audit
from core.db import session
from core.db.keyset import KeysetPage, keyset_page
from core.db.memo import request_memo
from core.db.queries import one_of
from core.db.tenancy import built_once
from core.identity.models import User
from core.ledger.models import PERSONAL, LedgerAccount

_SPACES = re.compile(r"\s+")


class AccountError(ValueError):
    """Input refused; ``field`` names the form field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def normalize_number(raw: str) -> str:
    """Account numbers are typed from paper and bank apps: spaces and dashes do not count."""
    return _SPACES.sub("", raw or "").replace("-", "").upper()


def open_account(
    number: str,
    *,
    holder_name: str = "",
    holder_kind: str = INDIVIDUAL,
    holder_inn: str = "",
    address: str = "",
    opened_on: date | None = None,
) -> PersonalAccount:
    """Open a personal account with its ledger account (balance 0). Raises :class:`AccountError`."""
    normalized = normalize_number(number)
    if not normalized:
        raise AccountError("number", "Enter the account number.")
    if find_account(normalized) is not None:
        raise AccountError("number", "This account number is already used.")
    ledger = LedgerAccount(code=f"personal:{normalized}", kind=PERSONAL, title=holder_name or normalized, balance=0)
    session.add(ledger)
    session.flush()
    account = PersonalAccount(
        number=normalized,
        holder_name=holder_name.strip(),
        holder_kind=holder_kind,
        holder_inn=holder_inn.strip(),
        address=address.strip(),
        status=ACCOUNT_OPEN,
        opened_on=opened_on or date.today(),
        ledger_account_id=ledger.id,
        ledger_account=ledger,
    )
    session.add(account)
    session.flush()
    audit("account.open", "account", account.number, None, {"holder": account.holder_name, "address": account.address})
    return account


def close_account(account: PersonalAccount, on: date) -> None:
    """Mark ``account`` closed from ``on`` (idempotent; its ledger and statements stay readable). Audited."""
    if account.status == ACCOUNT_CLOSED:
        return
    account.status = ACCOUNT_CLOSED
    account.closed_on = on
    audit("account.close", "account", account.number, None, {"closed_on": on.isoformat()})


def find_account(number: str) -> PersonalAccount | None:
    """The current tenant's account with this number (spaces and dashes ignored)."""
    return session.scalar(select(PersonalAccount).where(PersonalAccount.number == normalize_number(number)))


def grant_access(user: User, account: PersonalAccount) -> None:
    """Let ``user`` see and pay into ``account`` (idempotent)."""
    exists = session.scalar(
        select(AccountAccess.id).where(
            AccountAccess.user_id == user.id, AccountAccess.personal_account_id == account.id
        )
    )
    if exists is None:
        session.add(AccountAccess(user_id=user.id, personal_account_id=account.id))
        audit("account.access", "account", account.number, None, {"user": user.login})


def revoke_access(user: User, account: PersonalAccount) -> bool:
    """Take ``account`` from ``user`` (a resident unbinding a flat); True if they had it. Audited; the caller commits.

    The account, its money and the other users' access stay; ``user`` simply no longer sees it.
    """
    result = session.execute(
        delete(AccountAccess)
        .where(AccountAccess.user_id == user.id, AccountAccess.personal_account_id == account.id)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:
        return False
    audit("account.access_revoke", "account", account.number, {"user": user.login}, None)
    return True


_ACCOUNTS_OF = built_once(  # every subscriber page asks it
    select(PersonalAccount)
    .join(AccountAccess, AccountAccess.personal_account_id == PersonalAccount.id)
    .where(AccountAccess.user_id == bindparam("user_id"))
    .order_by(PersonalAccount.number)
)


def accounts_of(user: User) -> list[PersonalAccount]:
    """The accounts ``user`` may use, in a stable order (read once per request until it writes)."""

    def read() -> tuple[PersonalAccount, ...]:
        return tuple(session.scalars(_ACCOUNTS_OF, {"user_id": user.id}))

    return list(request_memo(("accounts_of", user.id), read))


def users_of_account(account: PersonalAccount) -> list[User]:
    """The users who may use ``account`` (to notify them about it)."""
    return list(
        session.scalars(
            select(User)
            .join(AccountAccess, AccountAccess.user_id == User.id)
            .where(AccountAccess.personal_account_id == account.id)
            .order_by(User.id)
        )
    )


def users_of_accounts(account_ids: Iterable[int]) -> dict[int, list[User]]:
    """The users who may use each of many accounts, in one query per 500 accounts (bulk notices).

    Maps every given account id to its users in id order (an empty list when nobody has access):
    :func:`users_of_account` for a whole batch of accounts, e.g. a charge run's reminders.
    """
    wanted = sorted(set(account_ids))
    found: dict[int, list[User]] = {account_id: [] for account_id in wanted}
    batch = 500  # ids per IN list
    for start in range(0, len(wanted), batch):
        rows = session.execute(
            select(AccountAccess.personal_account_id, User)
            .join(User, User.id == AccountAccess.user_id)
            .where(one_of(AccountAccess.personal_account_id, wanted[start : start + batch]))
            .order_by(AccountAccess.personal_account_id, User.id)
        )
        for account_id, user in rows:
            found[account_id].append(user)
    return found


def user_may_use(user: User, account_id: int) -> PersonalAccount | None:
    """The account if ``user`` has access to it, else ``None`` (views answer 404)."""
    return session.scalar(
        select(PersonalAccount)
        .join(AccountAccess, AccountAccess.personal_account_id == PersonalAccount.id)
        .where(AccountAccess.user_id == user.id, PersonalAccount.id == account_id)
    )


def _accounts_matching(query: str) -> Select:
    """Accounts whose number, holder or address contains ``query`` (case-insensitive, Cyrillic too); not ordered."""
    stmt = select(PersonalAccount)
    text = query.strip().casefold()
    if text:
        digits = normalize_number(query).casefold()
        stmt = stmt.where(
            PersonalAccount.search_text.contains(text, autoescape=True)
            | PersonalAccount.number.contains(digits.upper(), autoescape=True)
        )
    return stmt


def search_accounts_page(
    query: str, *, after: str | None = None, before: str | None = None, size: int = 50
) -> KeysetPage[PersonalAccount]:
    """One keyset page of the accounts matching ``query`` in number order, with how many match (two statements)."""
    page = keyset_page(
        _accounts_matching(query),
        (PersonalAccount.number, PersonalAccount.id),
        lambda row: (row[0].number, row[0].id),
        size=size,
        after=after,
        before=before,
    )
    return page.map(lambda row: row[0])
