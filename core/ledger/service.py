"""Public ledger service: post balanced, idempotent transactions; read balances and statements.

Plugins never write ledger rows themselves: they call these functions (or return lines from hooks).
Everything works in the current tenant and in the caller's transaction (the caller commits).

* Amounts are integer kopecks; a transaction has at least two postings summing to zero.
* Every transaction has an idempotency key unique in the tenant (gateway payment id, registry line
  id, ``charge:<account>:<service>:<day>``). Posting the same key again returns the original; the same
  key with different postings raises :class:`IdempotencyConflict`. This holds under concurrency:
  the key's unique index decides, not a read-then-write check.
* Balances are materialised on the ledger account and updated in the same database transaction
  with an atomic ``balance = balance + Δ`` (a row lock on PostgreSQL; SQLite serialises writers).
* Postings are never changed: :func:`reverse` posts the opposite transaction, linked to the original.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from core.db import current_tenant_id, session, utcnow
from core.ledger.models import (
    CLEARING,
    CREDIT,
    REVENUE,
    SUSPENSE,
    LedgerAccount,
    LedgerTransaction,
    Posting,
)

BATCH_SIZE = 1000


class LedgerError(ValueError):
    """A transaction was refused (unbalanced, empty, not integer kopecks …); nothing was posted."""


class IdempotencyConflict(LedgerError):
    """The key was already used for a different transaction."""


@dataclass(frozen=True)
class Entry:
    """One posting to be made: ``amount`` kopecks added to ledger account ``account_id``."""

    account_id: int
    amount: int
    service: str | None = None
    period: str | None = None


@dataclass(frozen=True)
class TransactionSpec:
    """A transaction to post: its idempotency key, kind and balanced entries."""

    key: str
    kind: str
    entries: tuple[Entry, ...]
    memo: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    occurred_at: datetime | None = None
    reverses_id: int | None = None

    def payload_hash(self) -> str:
        """A fingerprint of what the transaction moves (kind and postings, in any order)."""
        lines = sorted(f"{e.account_id}:{e.amount}:{e.service or ''}:{e.period or ''}" for e in self.entries)
        return hashlib.sha256(f"{self.kind}|{'|'.join(lines)}".encode()).hexdigest()


@dataclass(frozen=True)
class BatchResult:
    """What :func:`post_batch` did: transaction ids by key, and which keys were already posted."""

    ids: dict[str, int]
    duplicates: frozenset[str]

    @property
    def posted(self) -> int:
        return len(self.ids) - len(self.duplicates)


def _check(spec: TransactionSpec) -> None:
    if len(spec.entries) < 2:
        raise LedgerError(f"{spec.key}: a transaction needs at least two postings")
    for entry in spec.entries:
        if not isinstance(entry.amount, int) or isinstance(entry.amount, bool):
            raise LedgerError(f"{spec.key}: amounts are integer kopecks, got {entry.amount!r}")
    if sum(e.amount for e in spec.entries) != 0:
        raise LedgerError(f"{spec.key}: postings sum to {sum(e.amount for e in spec.entries)}, not zero")
    if all(e.amount == 0 for e in spec.entries):
        raise LedgerError(f"{spec.key}: a transaction must move money")
    if not spec.key or len(spec.key) > 200:
        raise LedgerError("the idempotency key must be 1–200 characters")


def _insert():
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _tenant() -> int:
    tenant_id = current_tenant_id()
    if tenant_id is None:
        raise LedgerError("the ledger works inside a tenant scope")
    return tenant_id


def post_batch(specs: Sequence[TransactionSpec]) -> BatchResult:
    """Post many transactions with set-based statements (the charge run and registry imports use it).

    Keys already posted with the same postings are skipped (reported in ``duplicates``); a key
    posted with different postings raises :class:`IdempotencyConflict` and nothing is posted.
    """
    tenant_id = _tenant()
    ids: dict[str, int] = {}
    duplicates: set[str] = set()
    for start in range(0, len(specs), BATCH_SIZE):
        chunk = specs[start : start + BATCH_SIZE]
        chunk_ids, chunk_dups = _post_chunk(tenant_id, chunk)
        ids.update(chunk_ids)
        duplicates |= chunk_dups
    return BatchResult(ids, frozenset(duplicates))


def _post_chunk(tenant_id: int, specs: Sequence[TransactionSpec]) -> tuple[dict[str, int], set[str]]:
    unique: dict[str, TransactionSpec] = {}
    repeated: list[TransactionSpec] = []
    for spec in specs:
        _check(spec)
        if spec.key in unique:
            repeated.append(spec)
        else:
            unique[spec.key] = spec
    hashes = {key: spec.payload_hash() for key, spec in unique.items()}
    for spec in repeated:
        if spec.payload_hash() != hashes[spec.key]:
            raise IdempotencyConflict(f"key {spec.key!r} used twice with different postings")
    now = utcnow()
    rows = [
        {
            "tenant_id": tenant_id,
            "idempotency_key": spec.key,
            "kind": spec.kind,
            "payload_hash": hashes[spec.key],
            "memo": spec.memo[:300],
            "meta": spec.meta,
            "reverses_id": spec.reverses_id,
            "occurred_at": spec.occurred_at or now,
            "created_at": now,
            "actor": "",
        }
        for spec in unique.values()
    ]
    inserted = _insert_transactions(rows)
    existing_keys = [key for key in unique if key not in inserted]
    ids = dict(inserted)
    if existing_keys:
        found = session.execute(
            select(LedgerTransaction.idempotency_key, LedgerTransaction.id, LedgerTransaction.payload_hash).where(
                LedgerTransaction.idempotency_key.in_(existing_keys)
            )
        ).all()
        for key, txn_id, payload_hash in found:
            if payload_hash != hashes[key]:
                raise IdempotencyConflict(f"key {key!r} was already posted with different postings")
            ids[key] = txn_id
    postings = []
    deltas: dict[int, int] = defaultdict(int)
    for key, txn_id in inserted.items():
        spec = unique[key]
        occurred = spec.occurred_at or now
        for entry in spec.entries:
            postings.append(
                (tenant_id, txn_id, entry.account_id, entry.amount, spec.kind, entry.service, entry.period, occurred)
            )
            deltas[entry.account_id] += entry.amount
    if postings:
        _insert_postings(postings)
        _apply_deltas(deltas)
    return ids, set(existing_keys) | {s.key for s in repeated}


def _insert_transactions(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert the transactions whose key is new; returns ``{key: id}`` of those this call inserted.

    The tenant's unique key index decides under concurrency: ``ON CONFLICT DO NOTHING RETURNING``
    on PostgreSQL. On SQLite the transaction holds the database's write lock from its first
    statement (BEGIN IMMEDIATE), so reading which keys exist and then inserting the rest is exact,
    and lets the insert run as one plain executemany.
    """
    if not rows:
        return {}
    table = LedgerTransaction.__table__
    if session.get_bind().dialect.name != "sqlite":
        stmt = (
            _insert()(table)
            .on_conflict_do_nothing(index_elements=["tenant_id", "idempotency_key"])
            .returning(table.c.id, table.c.idempotency_key)
        )
        return {key: txn_id for txn_id, key in session.execute(stmt, rows).all()}
    keys = [row["idempotency_key"] for row in rows]
    taken = set(
        session.scalars(select(LedgerTransaction.idempotency_key).where(LedgerTransaction.idempotency_key.in_(keys)))
    )
    fresh = [row for row in rows if row["idempotency_key"] not in taken]
    if not fresh:
        return {}
    columns = list(fresh[0])
    convert = _converters(table, columns)
    cached = {name: {} for name in ("occurred_at", "created_at", "meta")}

    def value(row: dict[str, Any], name: str) -> Any:
        raw = row[name]
        if name not in cached:
            return convert[name](raw)
        key = repr(raw) if name == "meta" else raw
        if key not in cached[name]:
            cached[name][key] = convert[name](raw)
        return cached[name][key]

    _executemany(
        f"INSERT INTO ledger_transactions ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [tuple(value(row, c) for c in columns) for row in fresh],
    )
    fresh_keys = [row["idempotency_key"] for row in fresh]
    return dict(
        session.execute(
            select(LedgerTransaction.idempotency_key, LedgerTransaction.id).where(
                LedgerTransaction.idempotency_key.in_(fresh_keys)
            )
        ).all()
    )


POSTING_COLUMNS = (
    "tenant_id",
    "transaction_id",
    "ledger_account_id",
    "amount",
    "kind",
    "service",
    "period",
    "occurred_at",
)


def _insert_postings(rows: list[tuple]) -> None:
    """One executemany at the driver: bulk inserts need no per-row ORM or type machinery."""
    convert = _converters(Posting.__table__, POSTING_COLUMNS)["occurred_at"]
    cache: dict[Any, Any] = {}
    prepared = []
    for row in rows:
        moment = row[-1]
        if moment not in cache:
            cache[moment] = convert(moment)
        prepared.append((*row[:-1], cache[moment]))
    mark = _placeholder()
    _executemany(
        f"INSERT INTO postings ({', '.join(POSTING_COLUMNS)}) VALUES ({', '.join([mark] * len(POSTING_COLUMNS))})",
        prepared,
    )


def _placeholder() -> str:
    return "?" if session.get_bind().dialect.name == "sqlite" else "%s"


def _converters(table, columns) -> dict[str, Any]:
    """Each column's bind processor for this dialect (identity where the driver takes the value as is)."""
    dialect = session.get_bind().dialect
    converters = {}
    for name in columns:
        processor = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        converters[name] = processor or _same
    return converters


def _same(value: Any) -> Any:
    return value


def _executemany(sql: str, rows: list[tuple]) -> None:
    session.connection().exec_driver_sql(sql, rows)


def _apply_deltas(deltas: dict[int, int]) -> None:
    # Ascending ids: concurrent writers take the row locks in the same order, so they cannot deadlock.
    mark = _placeholder()
    _executemany(
        f"UPDATE ledger_accounts SET balance = balance + {mark} WHERE id = {mark}",
        [(delta, account_id) for account_id, delta in sorted(deltas.items()) if delta],
    )
    for account in session.identity_map.values():
        if isinstance(account, LedgerAccount) and account.id in deltas:
            session.expire(account, ["balance"])


def post(spec: TransactionSpec) -> LedgerTransaction:
    """Post one transaction (or return the one already posted under its key)."""
    result = post_batch([spec])
    return session.get(LedgerTransaction, result.ids[spec.key])


def transfer(
    key: str,
    kind: str,
    debit: LedgerAccount,
    credit: LedgerAccount,
    amount: int,
    *,
    memo: str = "",
    meta: dict[str, Any] | None = None,
    service: str | None = None,
    period: str | None = None,
    occurred_at: datetime | None = None,
) -> LedgerTransaction:
    """Move ``amount`` kopecks from ``debit`` to ``credit`` (``credit``'s balance grows)."""
    if amount <= 0:
        raise LedgerError("the amount must be positive")
    return post(
        TransactionSpec(
            key=key,
            kind=kind,
            entries=(
                Entry(credit.id, amount, service, period),
                Entry(debit.id, -amount, service, period),
            ),
            memo=memo,
            meta=meta or {},
            occurred_at=occurred_at,
        )
    )


def reverse(original: LedgerTransaction, reason: str, key: str | None = None) -> LedgerTransaction:
    """Post the exact opposite of ``original``, linked to it. Reversing twice returns the same reversal."""
    if original.reverses_id is not None:
        raise LedgerError("a reversal is not reversed; post a new transaction instead")
    return post(
        TransactionSpec(
            key=key or f"reversal:{original.id}",
            kind="reversal",
            entries=tuple(Entry(p.ledger_account_id, -p.amount, p.service, p.period) for p in original.postings),
            memo=reason,
            meta={"reverses": original.idempotency_key},
            reverses_id=original.id,
        )
    )


def system_account(code: str, kind: str, title: str = "") -> LedgerAccount:
    """The tenant's ledger account ``code``, created on first use (safe when two requests race)."""
    account = session.scalar(select(LedgerAccount).where(LedgerAccount.code == code))
    if account is not None:
        return account
    try:
        with session.begin_nested():
            account = LedgerAccount(code=code, kind=kind, title=title or code, balance=0)
            session.add(account)
    except IntegrityError:
        account = session.scalar(select(LedgerAccount).where(LedgerAccount.code == code))
        assert account is not None
    return account


def revenue_account(service: str) -> LedgerAccount:
    """Revenue of one service (``internet``, ``tv``, ``maintenance`` …)."""
    return system_account(f"revenue:{service}", REVENUE, f"Revenue: {service}")


def clearing_account(channel: str) -> LedgerAccount:
    """Money a payment channel (``paykeeper``, ``sberbank`` …) has collected for us."""
    return system_account(f"clearing:{channel}", CLEARING, f"Clearing: {channel}")


def suspense_account() -> LedgerAccount:
    """Money that arrived for an account we could not find, until an operator moves it."""
    return system_account("suspense", SUSPENSE, "Suspense")


def credit_account() -> LedgerAccount:
    """The tenant's side of promised (temporary) credit."""
    return system_account("credit:promised", CREDIT, "Promised credit")


def balance(account: LedgerAccount) -> int:
    """The materialised balance of ``account`` in kopecks (one primary-key read)."""
    return session.scalar(select(LedgerAccount.balance).where(LedgerAccount.id == account.id)) or 0


def statement(
    account: LedgerAccount,
    start: datetime | None = None,
    end: datetime | None = None,
    kinds: Iterable[str] | None = None,
    limit: int | None = None,
) -> list[Posting]:
    """Postings of ``account`` in ``[start, end)``, newest first, optionally of some kinds only."""
    stmt = select(Posting).where(Posting.ledger_account_id == account.id)
    if start is not None:
        stmt = stmt.where(Posting.occurred_at >= start)
    if end is not None:
        stmt = stmt.where(Posting.occurred_at < end)
    if kinds:
        stmt = stmt.where(Posting.kind.in_(list(kinds)))
    stmt = stmt.order_by(Posting.occurred_at.desc(), Posting.id.desc())
    if limit:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def balance_at(account: LedgerAccount, moment: datetime) -> int:
    """The balance of ``account`` just before ``moment`` (for receipts' opening balance)."""
    later = session.scalar(
        select(func.coalesce(func.sum(Posting.amount), 0)).where(
            Posting.ledger_account_id == account.id, Posting.occurred_at >= moment
        )
    )
    return balance(account) - int(later or 0)


@dataclass(frozen=True)
class CheckProblem:
    """A broken ledger invariant found by :func:`check`."""

    what: str
    detail: str


def check() -> list[CheckProblem]:
    """Every balance equals the sum of its postings; every transaction sums to zero (current tenant)."""
    problems = []
    sums = dict(
        session.execute(
            select(Posting.ledger_account_id, func.sum(Posting.amount)).group_by(Posting.ledger_account_id)
        ).all()
    )
    for account in session.scalars(select(LedgerAccount)):
        expected = int(sums.get(account.id) or 0)
        if account.balance != expected:
            problems.append(CheckProblem("balance", f"{account.code}: balance {account.balance} ≠ postings {expected}"))
    unbalanced = session.execute(
        select(Posting.transaction_id, func.sum(Posting.amount))
        .group_by(Posting.transaction_id)
        .having(func.sum(Posting.amount) != 0)
    ).all()
    problems.extend(CheckProblem("transaction", f"transaction {tid} sums to {total}") for tid, total in unbalanced)
    return problems
