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
* Many transactions at once: :func:`post_batch`, or :func:`post_transfers` for plain two-posting
  ones (a charge run, a registry): a few set-based statements per 1000 transactions.
"""

from __future__ import annotations

import hashlib
import json
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import func, select, text
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
from core.observability.metrics import observe_postings

BATCH_SIZE = 1000

#: What plugins use as ``core.api.ledger.<name>``; anything else in this module is core's own.
__all__ = [
    "BATCH_SIZE",
    "BatchResult",
    "CheckProblem",
    "Entry",
    "IdempotencyConflict",
    "LedgerAccount",
    "LedgerError",
    "LedgerTransaction",
    "Posting",
    "TransactionSpec",
    "Transfer",
    "balance",
    "balance_at",
    "check",
    "clearing_account",
    "credit_account",
    "post",
    "post_batch",
    "post_transfers",
    "revenue_account",
    "reverse",
    "statement",
    "suspense_account",
    "system_account",
    "transfer",
]


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


def _tenant() -> int:
    tenant_id = current_tenant_id()
    if tenant_id is None:
        raise LedgerError("the ledger works inside a tenant scope")
    return tenant_id


class Transfer(NamedTuple):
    """One two-posting transaction for :func:`post_transfers` (account *ids*; :func:`transfer` takes either).

    ``amount`` kopecks (a positive integer) move from ledger account ``from_account_id`` to
    ``to_account_id``, whose balance grows. It is the same transaction as
    ``TransactionSpec(key, kind, (Entry(to_account_id, amount, service, period),
    Entry(from_account_id, -amount, service, period)), memo, meta or {}, occurred_at)``, with the
    same payload fingerprint: a key posted one way is a duplicate (or a conflict) the other way too.
    ``occurred_at`` defaults to now; ``memo`` is cut to 300 characters.
    """

    key: str
    kind: str
    from_account_id: int
    to_account_id: int
    amount: int
    service: str | None = None
    period: str | None = None
    occurred_at: datetime | None = None
    memo: str = ""
    meta: Mapping[str, Any] | None = None


def post_batch(specs: Sequence[TransactionSpec]) -> BatchResult:
    """Post many transactions with set-based statements (registry imports and corrections use it).

    Keys already posted with the same postings are skipped (reported in ``duplicates``); a key
    posted with different postings raises :class:`IdempotencyConflict` and nothing is posted.
    For many plain two-posting transactions (a charge run), :func:`post_transfers` does the same
    with less work per transaction.
    """
    tenant_id = _tenant()
    ids: dict[str, int] = {}
    duplicates: set[str] = set()
    for start in range(0, len(specs), BATCH_SIZE):
        chunk = specs[start : start + BATCH_SIZE]
        chunk_ids, chunk_dups = _post_specs(tenant_id, chunk)
        ids.update(chunk_ids)
        duplicates |= chunk_dups
    return BatchResult(ids, frozenset(duplicates))


def post_transfers(transfers: Sequence[Transfer]) -> BatchResult:
    """Post many two-posting transactions (:class:`Transfer`), e.g. a day's charges, set-based.

    The same contract as :func:`post_batch`, without a :class:`TransactionSpec` and two
    :class:`Entry` objects per transaction. It works in the current tenant and the caller's
    transaction (the caller commits). A key already posted with the same transfer, or repeated in
    ``transfers``, is skipped and reported in ``duplicates``. A key posted with a different
    transfer raises :class:`IdempotencyConflict`; an amount that is not a positive integer number
    of kopecks, or a key that is not 1–200 characters, raises :class:`LedgerError`. After either
    error the caller rolls back (or wraps the call in ``session.begin_nested()``): transactions are
    written :data:`BATCH_SIZE` at a time, and batches before the failing one are in its transaction.
    Balances are updated once per account and batch, in ascending account order.

    Returns a :class:`BatchResult`: ``ids`` maps every key to its transaction id (the existing
    one for duplicates).
    """
    tenant_id = _tenant()
    ids: dict[str, int] = {}
    duplicates: set[str] = set()
    for start in range(0, len(transfers), BATCH_SIZE):
        chunk = transfers[start : start + BATCH_SIZE]
        chunk_ids, chunk_dups = _post_transfers(tenant_id, chunk)
        ids.update(chunk_ids)
        duplicates |= chunk_dups
    return BatchResult(ids, frozenset(duplicates))


# A transaction to write: (key, kind, payload hash, memo, meta, reverses id, occurred at, entries),
# each entry (ledger account id, amount, service, period).
_Entry = tuple[int, int, str | None, str | None]
_Txn = tuple[str, str, str, str, Mapping[str, Any] | None, int | None, datetime, tuple[_Entry, ...]]


def _post_specs(tenant_id: int, specs: Sequence[TransactionSpec]) -> tuple[dict[str, int], set[str]]:
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
    txns: list[_Txn] = [
        (
            key,
            spec.kind,
            hashes[key],
            spec.memo,
            spec.meta,
            spec.reverses_id,
            spec.occurred_at or now,
            tuple((e.account_id, e.amount, e.service, e.period) for e in spec.entries),
        )
        for key, spec in unique.items()
    ]
    ids, existing = _write(tenant_id, txns, now)
    return ids, existing | {spec.key for spec in repeated}


def _post_transfers(tenant_id: int, transfers: Sequence[Transfer]) -> tuple[dict[str, int], set[str]]:
    now = utcnow()
    hashes: dict[str, str] = {}
    repeated: set[str] = set()
    txns: list[_Txn] = []
    sha256 = hashlib.sha256
    for key, kind, source, target, amount, service, period, occurred_at, memo, meta in transfers:
        if type(amount) is not int or amount <= 0:
            raise LedgerError(f"{key}: a transfer moves a positive integer number of kopecks, got {amount!r}")
        if not key or len(key) > 200:
            raise LedgerError("the idempotency key must be 1–200 characters")
        # TransactionSpec.payload_hash of the two entries, without building them
        tail = f":{service or ''}:{period or ''}"
        credit, debit = f"{target}:{amount}{tail}", f"{source}:{-amount}{tail}"
        digest = sha256(
            f"{kind}|{credit}|{debit}".encode() if credit < debit else f"{kind}|{debit}|{credit}".encode()
        ).hexdigest()
        if key in hashes:
            if hashes[key] != digest:
                raise IdempotencyConflict(f"key {key!r} used twice with different postings")
            repeated.add(key)
            continue
        hashes[key] = digest
        entries = ((target, amount, service, period), (source, -amount, service, period))
        txns.append((key, kind, digest, memo, meta, None, occurred_at or now, entries))
    ids, existing = _write(tenant_id, txns, now)
    return ids, existing | repeated


def _write(tenant_id: int, txns: list[_Txn], now: datetime) -> tuple[dict[str, int], set[str]]:
    """Write the transactions whose key is new in the tenant, their postings and the balances.

    ``txns`` have distinct keys. Raises :class:`IdempotencyConflict` when a key already exists with
    another payload hash. Returns the ids of all keys, and the keys that existed already.
    """
    if not txns:
        return {}, set()
    sqlite = session.get_bind().dialect.name == "sqlite"
    stamp = _Stamps(sqlite)
    if sqlite:
        existing = _existing(tenant_id, [txn[0] for txn in txns], sqlite)
        _refuse_conflicts(txns, existing)
        new_ids = _insert_transactions_sqlite(tenant_id, txns, existing, now, stamp)
    else:
        new_ids = _insert_transactions_postgres(tenant_id, txns, now, stamp)
        missing = [txn[0] for txn, txn_id in zip(txns, new_ids, strict=True) if txn_id is None]
        existing = _existing(tenant_id, missing, sqlite) if missing else {}
        _refuse_conflicts(txns, existing)
    ids = {key: txn_id for key, (txn_id, _digest) in existing.items()}
    rows: list[tuple] = []  # (transaction id, account, amount, kind, service, period, occurred at)
    deltas: dict[int, int] = {}
    delta = deltas.get
    for txn, txn_id in zip(txns, new_ids, strict=True):
        if txn_id is None:
            continue
        ids[txn[0]] = txn_id
        kind, moment = txn[1], stamp(txn[6])
        for account_id, amount, service, period in txn[7]:
            rows.append((txn_id, account_id, amount, kind, service, period, moment))
            deltas[account_id] = delta(account_id, 0) + amount
    if rows:
        try:
            _insert_postings(tenant_id, rows, sqlite)
        except IntegrityError as refused:  # the key (tenant_id, ledger_account_id): another tenant's account, or none
            raise LedgerError(_FOREIGN_ACCOUNT) from refused
        _apply_deltas(tenant_id, deltas, sqlite)
    observe_postings(len(txns) - len(existing))
    return ids, set(existing)


_FOREIGN_ACCOUNT = "a posting names a ledger account that is not this tenant's; nothing may be posted"


def _refuse_conflicts(txns: list[_Txn], existing: dict[str, tuple[int, str]]) -> None:
    if not existing:
        return
    for key, _kind, digest, *_rest in txns:
        found = existing.get(key)
        if found is not None and found[1] != digest:
            raise IdempotencyConflict(f"key {key!r} was already posted with different postings")


class _Stamps:
    """A timestamp as the statements take it, converted once per value: the column type's conversion
    (UTC; SQLite's text format), and on PostgreSQL as text for an array literal."""

    def __init__(self, sqlite: bool) -> None:
        dialect = session.get_bind().dialect
        self.convert = Posting.__table__.c.occurred_at.type.dialect_impl(dialect).bind_processor(dialect) or _same
        self.text = not sqlite
        self.cache: dict[datetime, Any] = {}

    def __call__(self, moment: datetime) -> Any:
        try:
            return self.cache[moment]
        except KeyError:
            value = self.convert(moment)
            value = self.cache[moment] = value.isoformat() if self.text else value
            return value


# PostgreSQL: column arrays go as array literals built here, one text parameter each; the driver's
# adaptation of a list, element by element, costs more than the statement that inserts the rows.


def _ints(values: Iterable[int | None]) -> str:
    return "{" + ",".join(["NULL" if v is None else str(operator.index(v)) for v in values]) + "}"


def _texts(values: Iterable[str | None]) -> str:
    quoted = ['"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' if v is not None else "NULL" for v in values]
    return "{" + ",".join(quoted) + "}"


def _same(value: Any) -> Any:
    return value


def _meta(meta: Mapping[str, Any] | None) -> str:
    if not meta:
        return "{}"
    return json.dumps(meta if isinstance(meta, dict) else dict(meta))


def _existing(tenant_id: int, keys: list[str], sqlite: bool) -> dict[str, tuple[int, str]]:
    """``{key: (id, payload hash)}`` of the keys already posted in the tenant (one query)."""
    if sqlite:
        found = (
            session.connection()
            .exec_driver_sql(
                "SELECT idempotency_key, id, payload_hash FROM ledger_transactions "
                "WHERE tenant_id = ? AND idempotency_key IN (SELECT value FROM json_each(?))",
                (tenant_id, json.dumps(keys)),
            )
            .all()
        )
    else:
        found = session.execute(
            text(
                "SELECT idempotency_key, id, payload_hash FROM ledger_transactions "
                "WHERE tenant_id = :t AND idempotency_key = ANY(CAST(:keys AS text[]))"
            ),
            {"t": tenant_id, "keys": _texts(keys)},
        ).all()
    return {key: (txn_id, digest) for key, txn_id, digest in found}


def _insert_transactions_sqlite(
    tenant_id: int, txns: list[_Txn], existing: dict[str, Any], now: datetime, stamp: _Stamps
) -> list[int | None]:
    """Insert the new keys with ids numbered on from the largest; ids aligned with ``txns`` (``None``: existing).

    The transaction holds SQLite's write lock from its first statement (BEGIN IMMEDIATE), so which
    keys exist and the largest id cannot change before the insert, which is one plain executemany.
    (Without the lock, SQLite refuses the write of a stale snapshot; a taken id fails the primary key.)
    """
    connection = session.connection()
    next_id = connection.exec_driver_sql("SELECT coalesce(max(id), 0) + 1 FROM ledger_transactions").scalar_one()
    created = stamp(now)
    ids: list[int | None] = []
    rows = []
    for key, kind, digest, memo, meta, reverses_id, occurred_at, _entries in txns:
        if key in existing:
            ids.append(None)
            continue
        ids.append(next_id)
        rows.append((next_id, key, kind, digest, memo[:300], _meta(meta), reverses_id, stamp(occurred_at), created))
        next_id += 1
    if rows:
        connection.exec_driver_sql(
            "INSERT INTO ledger_transactions (id, tenant_id, idempotency_key, kind, payload_hash, memo, meta, "
            f"reverses_id, occurred_at, created_at, actor) VALUES (?, {tenant_id:d}, ?, ?, ?, ?, ?, ?, ?, ?, '')",
            rows,
        )
    return ids


def _insert_transactions_postgres(tenant_id: int, txns: list[_Txn], now: datetime, stamp: _Stamps) -> list[int | None]:
    """One ``INSERT … SELECT FROM unnest(arrays) ON CONFLICT DO NOTHING RETURNING``: the tenant's unique
    key index decides under concurrency. Ids aligned with ``txns`` (``None``: the key was taken)."""
    keys, kinds, digests, memos, metas, reverses, moments, _entries = zip(*txns, strict=True)
    inserted = dict(
        session.execute(
            text(
                "INSERT INTO ledger_transactions (tenant_id, idempotency_key, kind, payload_hash, memo, meta, "
                "reverses_id, occurred_at, created_at, actor) "
                "SELECT :t, u.k, u.kind, u.h, u.memo, CAST(u.meta AS json), u.rev, u.occ, "
                "CAST(:now AS timestamptz), '' "
                "FROM unnest(CAST(:keys AS text[]), CAST(:kinds AS text[]), CAST(:hashes AS text[]), "
                "CAST(:memos AS text[]), CAST(:metas AS text[]), CAST(:revs AS integer[]), "
                "CAST(:moments AS timestamptz[])) AS u(k, kind, h, memo, meta, rev, occ) "
                "ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING idempotency_key, id"
            ),
            {
                "t": tenant_id,
                "now": stamp(now),
                "keys": _texts(keys),
                "kinds": _texts(kinds),
                "hashes": _texts(digests),
                "memos": _texts(memo[:300] for memo in memos),
                "metas": _texts(_meta(meta) for meta in metas),
                "revs": _ints(reverses),
                "moments": _texts(stamp(moment) for moment in moments),
            },
        ).all()
    )
    return [inserted.get(key) for key in keys]


def _insert_postings(tenant_id: int, rows: list[tuple], sqlite: bool) -> None:
    """Rows ``(transaction id, account, amount, kind, service, period, occurred_at)``: one statement.

    (On SQLite a plain executemany: a multi-row ``VALUES`` is slower there with foreign keys on.)"""
    insert = "INSERT INTO postings (tenant_id, transaction_id, ledger_account_id, amount, kind, service, period, "
    if sqlite:
        session.connection().exec_driver_sql(insert + f"occurred_at) VALUES ({tenant_id:d}, ?, ?, ?, ?, ?, ?, ?)", rows)
        return
    txn_ids, accounts, amounts, kinds, services, periods, moments = zip(*rows, strict=True)
    session.execute(
        text(
            insert + "occurred_at) SELECT :t, u.* FROM unnest(CAST(:txns AS integer[]), CAST(:accounts AS integer[]), "
            "CAST(:amounts AS bigint[]), CAST(:kinds AS text[]), CAST(:services AS text[]), "
            "CAST(:periods AS text[]), CAST(:moments AS timestamptz[])) AS u"
        ),
        {
            "t": tenant_id,
            "txns": _ints(txn_ids),
            "accounts": _ints(accounts),
            "amounts": _ints(amounts),
            "kinds": _texts(kinds),
            "services": _texts(services),
            "periods": _texts(periods),
            "moments": _texts(moments),
        },
    )


def _apply_deltas(tenant_id: int, deltas: dict[int, int], sqlite: bool) -> None:
    """``balance = balance + Δ`` once per account, locking in ascending id order (no deadlocks between writers).

    Every account must be the current tenant's: the statements are raw SQL, so they say so
    themselves, and a posting to any other account raises :class:`LedgerError` (the caller rolls back).
    """
    changes = sorted((account_id, delta) for account_id, delta in deltas.items() if delta)
    unchanged = [account_id for account_id, delta in deltas.items() if not delta]
    if changes:
        if sqlite:  # the transaction holds the database's write lock already
            updated = (
                session.connection()
                .exec_driver_sql(
                    f"UPDATE ledger_accounts SET balance = balance + ? WHERE id = ? AND tenant_id = {tenant_id:d}",
                    [(delta, account_id) for account_id, delta in changes],
                )
                .rowcount
            )
        else:
            account_ids = _ints(account_id for account_id, _delta in changes)
            _lock_owners_first(tenant_id, [account_id for account_id, _delta in changes])
            # The lock an UPDATE takes (NO KEY: the postings' foreign keys share the rows), in id order.
            updated = len(
                session.execute(
                    text(
                        "SELECT id FROM ledger_accounts WHERE id = ANY(CAST(:ids AS integer[])) AND tenant_id = :t "
                        "ORDER BY id FOR NO KEY UPDATE"
                    ),
                    {"ids": account_ids, "t": tenant_id},
                ).all()
            )
            session.execute(
                text(
                    "UPDATE ledger_accounts SET balance = balance + d.delta FROM unnest(CAST(:ids AS integer[]), "
                    "CAST(:deltas AS bigint[])) AS d(id, delta) WHERE ledger_accounts.id = d.id "
                    "AND ledger_accounts.tenant_id = :t"
                ),
                {"ids": account_ids, "deltas": _ints(delta for _account_id, delta in changes), "t": tenant_id},
            )
        if updated != len(changes):
            raise LedgerError(_FOREIGN_ACCOUNT)
    if unchanged:
        found = session.scalar(select(func.count()).select_from(LedgerAccount).where(LedgerAccount.id.in_(unchanged)))
        if found != len(unchanged):
            raise LedgerError(_FOREIGN_ACCOUNT)
    for account in session.identity_map.values():
        if isinstance(account, LedgerAccount) and account.id in deltas:
            session.expire(account, ["balance"])


def _lock_owners_first(tenant_id: int, account_ids: list[int]) -> None:
    """Let the tenant's plugins lock the rows that own these accounts (``lock_before_posting``) first.

    One lock order across the app: the owner's row (an isp contract), then the ledger account rows.
    """
    from core.plugins.state import tenant_hooks
    from core.tenants.models import Tenant

    tenant = session.get(Tenant, tenant_id)
    if tenant is not None:
        tenant_hooks(tenant).lock_before_posting(tenant=tenant, ledger_account_ids=account_ids)


def post(spec: TransactionSpec) -> LedgerTransaction:
    """Post one transaction (or return the one already posted under its key)."""
    result = post_batch([spec])
    return session.get(LedgerTransaction, result.ids[spec.key])


def transfer(
    key: str,
    kind: str,
    debit: LedgerAccount | int,
    credit: LedgerAccount | int,
    amount: int,
    *,
    memo: str = "",
    meta: dict[str, Any] | None = None,
    service: str | None = None,
    period: str | None = None,
    occurred_at: datetime | None = None,
) -> LedgerTransaction:
    """Move ``amount`` kopecks from ``debit`` to ``credit`` (``credit``'s balance grows).

    ``debit`` and ``credit`` are ledger accounts or their ids (``Transfer``, the bulk form, takes ids:
    ``Transfer(key, kind, debit.id, credit.id, amount)`` posts the same transaction). Raises
    ``LedgerError`` for an amount that is not positive and ``IdempotencyConflict`` when ``key`` was
    posted with other postings; a replayed key returns the original transaction. Example::

        revenue = ledger.revenue_account("guard")
        ledger.transfer(f"fee:{obj.id}:2026-12", "charge", account.ledger_account, revenue, 50_000)
    """
    if amount <= 0:
        raise LedgerError("the amount must be positive")
    return post(
        TransactionSpec(
            key=key,
            kind=kind,
            entries=(
                Entry(_account_id(credit), amount, service, period),
                Entry(_account_id(debit), -amount, service, period),
            ),
            memo=memo,
            meta=meta or {},
            occurred_at=occurred_at,
        )
    )


def _account_id(account: LedgerAccount | int) -> int:
    return account if isinstance(account, int) else account.id


def posted(key: str) -> LedgerTransaction | None:
    """The current tenant's transaction posted under idempotency ``key``, or ``None`` if none was.

    For a dry run or a report ("was this month's fee charged?") without posting and rolling back.
    Example::

        if ledger.posted(f"fee:{obj.id}:2026-12") is None:
            print("not charged yet")
    """
    return session.scalar(select(LedgerTransaction).where(LedgerTransaction.idempotency_key == key))


def posted_keys(keys: Iterable[str]) -> set[str]:
    """Which of ``keys`` the current tenant has already posted (one query per 1000 keys), for bulk dry runs."""
    wanted = list(dict.fromkeys(keys))
    found: set[str] = set()
    for start in range(0, len(wanted), 1000):
        chunk = wanted[start : start + 1000]
        found |= set(
            session.scalars(
                select(LedgerTransaction.idempotency_key).where(LedgerTransaction.idempotency_key.in_(chunk))
            )
        )
    return found


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
