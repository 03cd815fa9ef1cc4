"""Bank payment registries: parse a daily registry file, then post every payment in it, a chunk at a time.

A bank or aggregator (Sberbank Online, «Город» …) takes payments by personal-account number and sends
a registry: one payment per line (columns per the tenant's ``payments.registry`` layout), then a
totals line with the count and the sum. :func:`parse_registry` checks the whole file and names every
problem with its line number; :func:`import_registry` refuses a file with any problem (nothing is
written) and otherwise posts all of it, with set-based statements:

* the new lines are staged (``registry_import_lines``, a few short transactions; an import that stops
  while staging is staged again); then each chunk of :data:`CHUNK` lines is posted in its own short
  transaction, with one ``on_payments_posted`` call, advancing the import's ``posted_lines``. The
  write lock is never held for the whole file: the site keeps answering during a big import. A
  stopped import resumes at its first unposted line (:func:`resume_import`, or the same file imported
  again); at the end every cabinet user of a paid account gets one notification for the import;
* each payment is one ledger transaction ``clearing:<provider> → personal account`` keyed
  ``registry:<provider>:<payment id>``, so a payment is never posted twice (re-imported file, or a
  later file repeating a payment) — those count as duplicates;
* a payment for an unknown account goes to the suspense account (status ``suspense``) until an
  operator moves it (:func:`core.payments.service.move_from_suspense`);
* the :class:`~core.payments.models.RegistryImport` row keeps the reconciliation figures.
"""

from __future__ import annotations

import codecs
import csv
import functools
import gc
import hashlib
import io
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, time
from time import perf_counter, sleep
from typing import Any, NamedTuple, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select, text

from core.accounts.models import AccountAccess, PersonalAccount
from core.accounts.service import normalize_number
from core.audit.service import record as audit
from core.db import current_tenant_id, session, utcnow
from core.db.bulk import insert_rows
from core.db.queries import one_of
from core.db.session import read_only_transactions
from core.identity.models import User
from core.ledger import service as ledger
from core.ledger.models import LedgerAccount, LedgerTransaction
from core.money.format import AmountError, format_money, parse_money
from core.notify.service import Recipient
from core.payments.models import (
    AGENT,
    IMPORT_DONE,
    IMPORT_POSTING,
    IMPORT_STAGING,
    POSTED,
    REGISTRY,
    SUSPENSE,
    Payment,
    RegistryImport,
    RegistryImportLine,
)
from core.payments.service import ReadOnUse, announce_payments, has_payment_listeners, tell_holders
from core.settings.service import get_settings
from core.tenants.models import Tenant

SETTINGS = "payments.registry"
MAX_PAYMENT_ID = 100  # Payment.external_id
MAX_ACCOUNT = 40  # Payment.account_number, PersonalAccount.number
MAX_RUBLE_DIGITS = 10  # up to 9 999 999 999.99 ₽ per line
P = ParamSpec("P")
R = TypeVar("R")
EXAMPLE_DAY = date(2026, 12, 31)  # a bad date is explained by this day written in the layout's format


def _(message: str) -> str:
    """Mark ``message`` for the catalogue; it is translated where it is shown (``gettext(message) % params``)."""
    return message


# Reports stored before the example date was shown keep their old wording; it stays in the catalogue.
LEGACY_MESSAGES = (_("the date %(value)s does not match %(format)s"),)


@dataclass(frozen=True)
class Problem:
    """Why a registry is refused: a 1-based line number and a reason.

    ``message`` is the English text with ``%(name)s`` placeholders filled from ``params``; pages show
    it translated, the CLI as :attr:`reason`.
    """

    line: int
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        return self.message % self.params

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class RegistryError(ValueError):
    """The registry was refused; ``problems`` lists every reason with its line. Nothing was imported."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.line)
        super().__init__(f"{len(self.problems)} problem(s) in the registry; nothing imported")


class RegistryLine(NamedTuple):
    """One payment of the registry, checked."""

    line: int
    paid_on: date
    payment_id: str
    account: str  # as the bank gave it (stripped)
    number: str  # the account number normalised (spaces and dashes do not count)
    payer: str
    amount: int  # kopecks, > 0


@dataclass
class ParsedRegistry:
    """A registry file read with its layout: its payments, its totals, and every problem found."""

    lines: list[RegistryLine] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    totals_count: int | None = None
    totals_amount: int | None = None
    encoding: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


# -- reading -------------------------------------------------------------------------------------


def parse_amount(text: str, *, allow_zero: bool = False) -> int:
    """``"1500.00"`` or ``"1500,5"`` → kopecks (:func:`core.money.format.parse_money`, wire style).

    Raises :class:`AmountError` with the reason: negative, zero, not a number, more than 2 decimals, too large.
    """
    kopecks = parse_money(text, "wire", positive=not allow_zero)
    if kopecks < 0:
        raise AmountError(_("the amount %(value)s is negative"), text.strip())
    if kopecks >= 10**MAX_RUBLE_DIGITS * 100:
        raise AmountError(_("the amount %(value)s is too large"), text.strip())
    return kopecks


def _decode(data: bytes, encoding: str) -> tuple[str, str] | Problem:
    """The file's text and the encoding used; ``auto`` is UTF-8 when it decodes, else cp1251."""
    if data.startswith(codecs.BOM_UTF8):
        data, encoding = data[len(codecs.BOM_UTF8) :], "utf-8"
    candidates = ["utf-8", "cp1251"] if encoding == "auto" else [encoding]
    error: UnicodeDecodeError | None = None
    for candidate in candidates:
        try:
            return data.decode(candidate), candidate
        except UnicodeDecodeError as failed:
            error = failed
    assert error is not None
    line = data[: error.start].count(b"\n") + 1
    return Problem(
        line,
        _("the file is not %(encoding)s text (byte %(byte)s)"),
        {"encoding": candidates[-1], "byte": f"{error.object[error.start]:#04x}"},
    )


def parse_registry(data: bytes, layout: dict[str, Any]) -> ParsedRegistry:
    """Read and check a whole registry file; every problem is collected with its 1-based line number.

    ``layout`` is a loaded ``payments.registry`` settings dict (:class:`~core.payments.settings.RegistryLayout`).
    """
    parsed = ParsedRegistry()
    decoded = _decode(data, layout["encoding"])
    if isinstance(decoded, Problem):
        parsed.problems.append(decoded)
        return parsed
    text, parsed.encoding = decoded
    problems = parsed.problems
    prefix = layout["totals_prefix"]
    date_col, id_col = layout["date_column"], layout["payment_id_column"]
    account_col, amount_col, payer_col = layout["account_column"], layout["amount_column"], layout["payer_column"]
    needed = max(date_col, id_col, account_col, amount_col, payer_col) + 1
    date_format = layout["date_format"]
    dates: dict[str, date | None] = {}
    seen_ids: dict[str, int] = {}
    columns: int | None = None
    payment_lines = 0
    amounts_read, amounts_sum = 0, 0  # for the totals check, over every line whose amount could be read
    totals_line = 0
    last_line = 0

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=layout["delimiter"], quoting=csv.QUOTE_NONE)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:  # e.g. a field over csv's size limit: not a registry line
            problems.append(Problem(reader.line_num, _("the line cannot be read: %(error)s"), {"error": str(error)}))
            continue
        number = reader.line_num
        if not row or (not row[0].strip() and not "".join(row).strip()):
            continue  # blank line
        last_line = number
        if totals_line:
            problems.append(Problem(number, _("a line after the totals line")))
            continue
        if row[0].lstrip().startswith(prefix):
            totals_line = number
            _read_totals(parsed, number, [row[0].lstrip()[len(prefix) :], *row[1:]], layout)
            continue
        payment_lines += 1
        if len(row) < needed:
            problems.append(
                Problem(
                    number,
                    _("%(found)s columns; the layout needs at least %(needed)s"),
                    {"found": len(row), "needed": needed},
                )
            )
            continue
        if columns is None:
            columns = len(row)
        elif len(row) != columns:
            problems.append(
                Problem(
                    number,
                    _("%(found)s columns; the first payment line has %(expected)s"),
                    {"found": len(row), "expected": columns},
                )
            )
            continue
        before = len(problems)

        raw_date = row[date_col].strip()
        if raw_date not in dates:
            try:
                dates[raw_date] = datetime.strptime(raw_date, date_format).date()
            except ValueError:
                dates[raw_date] = None
        paid_on = dates[raw_date]
        if paid_on is None:
            problems.append(
                Problem(
                    number,
                    _("the date %(value)s is not a date written like %(example)s"),
                    {"value": raw_date, "example": EXAMPLE_DAY.strftime(date_format), "format": date_format},
                )
            )

        payment_id = row[id_col].strip()
        if not payment_id:
            problems.append(Problem(number, _("the payment id is empty")))
        elif len(payment_id) > MAX_PAYMENT_ID:
            problems.append(
                Problem(number, _("the payment id is longer than %(max)s characters"), {"max": MAX_PAYMENT_ID})
            )
        elif payment_id in seen_ids:
            problems.append(
                Problem(
                    number,
                    _("the payment id %(id)s repeats line %(line)s"),
                    {"id": payment_id, "line": seen_ids[payment_id]},
                )
            )
        else:
            seen_ids[payment_id] = number

        account = row[account_col].strip()
        number_key = normalize_number(account)
        if not number_key:
            problems.append(Problem(number, _("the personal account is empty")))
        elif len(account) > MAX_ACCOUNT:
            problems.append(
                Problem(number, _("the personal account is longer than %(max)s characters"), {"max": MAX_ACCOUNT})
            )

        try:
            amount = parse_amount(row[amount_col])
        except AmountError as error:
            problems.append(Problem(number, error.message, {"value": error.value}))
            amount = 0
        else:
            amounts_read += 1
            amounts_sum += amount

        if len(problems) == before:
            payer = row[payer_col].strip()[:300] if payer_col >= 0 else ""
            parsed.lines.append(RegistryLine(number, paid_on, payment_id, account, number_key, payer, amount))  # type: ignore[arg-type]

    if not totals_line:
        problems.append(
            Problem(last_line + 1, _("the totals line (starting with %(prefix)s) is missing"), {"prefix": prefix})
        )
    else:
        if parsed.totals_count is not None and parsed.totals_count != payment_lines:
            problems.append(
                Problem(
                    totals_line,
                    _("the totals line says %(count)s payments; the file has %(found)s"),
                    {"count": parsed.totals_count, "found": payment_lines},
                )
            )
        every_amount_read = amounts_read == payment_lines
        if parsed.totals_amount is not None and every_amount_read and parsed.totals_amount != amounts_sum:
            problems.append(
                Problem(
                    totals_line,
                    _("the totals line says %(total)s; the payments add up to %(found)s"),
                    {"total": format_money(parsed.totals_amount, "wire"), "found": format_money(amounts_sum, "wire")},
                )
            )
    problems.sort(key=lambda p: p.line)
    return parsed


def _read_totals(parsed: ParsedRegistry, number: int, cells: list[str], layout: dict[str, Any]) -> None:
    count_col, amount_col = layout["totals_count_column"], layout["totals_amount_column"]
    if len(cells) <= max(count_col, amount_col):
        parsed.problems.append(
            Problem(
                number,
                _("the totals line has %(found)s columns; it needs the count and the sum"),
                {"found": len(cells)},
            )
        )
        return
    count = cells[count_col].strip()
    if count.isascii() and count.isdigit():
        parsed.totals_count = int(count)
    else:
        parsed.problems.append(Problem(number, _("the totals count %(value)s is not a number"), {"value": count}))
    try:
        parsed.totals_amount = parse_amount(cells[amount_col], allow_zero=True)
    except AmountError as error:
        parsed.problems.append(Problem(number, error.message, {"value": error.value}))


# -- importing -----------------------------------------------------------------------------------


def payment_key(provider: str, payment_id: str) -> str:
    """The ledger idempotency key of a registry payment."""
    return f"registry:{provider}:{payment_id}"


def payment_order_id(key: str) -> str:
    """``Payment.order_id`` (64 characters, unique in the tenant) of the payment posted under ledger ``key``:
    the key, or its hash when longer. An online agent's payment uses it too, so a registry line repeating
    it is found."""
    return key if len(key) <= 64 else "registry:" + hashlib.sha256(key.encode()).hexdigest()[:55]


def _known_accounts(numbers: set[str]) -> dict[str, tuple[int, int, str]]:
    """Normalised number → (account id, ledger account id, number) for the current tenant, in one query."""
    if not numbers:
        return {}
    rows = session.execute(
        select(PersonalAccount.number, PersonalAccount.id, PersonalAccount.ledger_account_id).where(
            one_of(PersonalAccount.number, sorted(numbers))
        )
    ).all()
    return {number: (account_id, ledger_id, number) for number, account_id, ledger_id in rows}


def _posted_before(keys: list[str]) -> dict[str, int | None]:
    """Keys already in the ledger → the amount of the registry payment posted under it (``None`` if none)."""
    if not keys:
        return {}
    found = list(
        session.scalars(
            select(LedgerTransaction.idempotency_key).where(one_of(LedgerTransaction.idempotency_key, keys))
        )
    )
    if not found:
        return {}
    orders = {payment_order_id(key): key for key in found}
    amounts = dict(
        session.execute(
            select(Payment.order_id, Payment.amount).where(
                Payment.channel.in_((REGISTRY, AGENT)), one_of(Payment.order_id, list(orders))
            )
        ).all()
    )
    return {key: amounts.get(order) for order, key in orders.items()}


def _current_tenant() -> Tenant:
    tenant_id = current_tenant_id()
    if tenant_id is None:
        raise RuntimeError("registries are imported inside a tenant scope")
    tenant = session.get(Tenant, tenant_id)
    assert tenant is not None
    return tenant


#: Registry lines posted per transaction: each chunk holds the write lock for a moment, not the whole file.
CHUNK = 1000
#: Cabinet users told of their payments per transaction at the end of an import.
NOTIFY_CHUNK = 1000
#: Lines staged per transaction.
STAGE_CHUNK = 5000
#: SQLite: once an import has held the write lock this long (seconds, over its short transactions) it pauses
#: for :data:`SQLITE_PAUSE` between two transactions, so a writer waiting for the lock (a login) gets it.
SQLITE_HOLD = 0.5
#: SQLite's busy handler retries every 100 ms at most: a pause that long lets every waiting writer in (without
#: a pause the import takes the lock again at once). A pause per transaction instead would cost the import a
#: third of its time; waiting writers get in within :data:`SQLITE_HOLD` either way.
SQLITE_PAUSE = 0.1


_FROZEN: ContextVar[bool] = ContextVar("registry_frozen_heap", default=False)


def _frozen_heap(function: Callable[P, R]) -> Callable[P, R]:
    """Run ``function`` with the objects that existed before it out of the garbage collector's full passes.

    An import allocates hundreds of thousands of short-lived objects; each full collection would walk
    the whole application's heap again (a fifth of an import's time). :func:`gc.freeze` moves what
    exists to the permanent generation for the call and :func:`gc.unfreeze` puts it back; a process
    that froze its heap itself (a pre-forking server) or a nested call leaves it as it is.
    """

    @functools.wraps(function)
    def frozen(*args: P.args, **kwargs: P.kwargs) -> R:
        if _FROZEN.get() or gc.get_freeze_count():  # (counting walks the frozen objects: asked once)
            return function(*args, **kwargs)
        gc.freeze()
        token = _FROZEN.set(True)
        try:
            return function(*args, **kwargs)
        finally:
            _FROZEN.reset(token)
            gc.unfreeze()

    return frozen


@_frozen_heap
def import_registry(
    data: bytes,
    filename: str,
    actor: str,
    *,
    dry_run: bool = False,
    parsed: ParsedRegistry | None = None,
    chunk_size: int = CHUNK,
) -> RegistryImport:
    """Import a registry file for the current tenant: check it all, stage it, then post it in short transactions.

    Raises :class:`RegistryError` with every problem when the file is not right; then nothing is
    written (the checks read without taking SQLite's write lock). Otherwise the new lines are
    staged (:data:`STAGE_CHUNK` per transaction), then posted ``chunk_size`` at a time, each chunk
    in its own transaction (to its account, or to suspense when the number is unknown) with one
    ``on_payments_posted`` call; finally each cabinet user of a paid account gets one notification
    for the whole import. The caller's transaction is committed first. Payments posted before count as duplicates, so
    importing the same file again posts nothing; an import that stopped halfway (a crash, a plugin
    raising) is resumed by importing the same file again (or :func:`resume_import`): every line is
    posted exactly once. The returned :class:`RegistryImport` holds the reconciliation figures.

    With ``dry_run`` nothing is written and the returned row is not added to the session.
    ``parsed`` is ``data`` already read with :func:`parse_registry` and the tenant's layout.
    """
    if not dry_run:
        session.commit()  # the caller's work first: the import commits in its own short transactions
    with read_only_transactions():  # SQLite: checking the file reads without taking the write lock
        tenant_id = _current_tenant().id
        layout = get_settings(SETTINGS)
        if parsed is None:
            parsed = parse_registry(data, layout)
        if parsed.problems:
            raise RegistryError(parsed.problems)
        sha256 = hashlib.sha256(data).hexdigest()
        unfinished = (
            None
            if dry_run
            else session.execute(
                select(RegistryImport.id, RegistryImport.status)
                .where(RegistryImport.sha256 == sha256, RegistryImport.status.in_((IMPORT_STAGING, IMPORT_POSTING)))
                .order_by(RegistryImport.id)
                .limit(1)
            ).first()
        )
        if unfinished is not None and unfinished.status == IMPORT_POSTING:
            session.commit()
            return resume_import(unfinished.id, chunk_size=chunk_size)
        provider = layout["provider"]
        keyed = [(line, payment_key(provider, line.payment_id)) for line in parsed.lines]
        before = _posted_before([key for _line, key in keyed])
        conflicts = [
            Problem(
                line.line,
                _("the payment id %(id)s was imported before with the amount %(amount)s"),
                {"id": line.payment_id, "amount": format_money(before[key], "wire")},
            )
            for line, key in keyed
            if before.get(key) not in (None, line.amount)
        ]
        if conflicts:
            raise RegistryError(conflicts)
        imported = RegistryImport(
            filename=filename[:260],
            sha256=sha256,
            provider=provider,
            imported_at=utcnow(),
            actor=actor[:260],
            status=IMPORT_STAGING,
            posted_lines=0,
        )
        fresh = [line for line, key in keyed if key not in before]
        duplicates = [line for line, key in keyed if key in before]
        if dry_run:
            accounts = _known_accounts({line.number for line in fresh})
            matched = [line for line in fresh if line.number in accounts]
            unknown = [line for line in fresh if line.number not in accounts]
            _set_figures(imported, parsed.lines, matched, unknown, duplicates)
            imported.status = IMPORT_DONE
            return imported
        session.commit()  # the read transaction ends; nothing was written

    if unfinished is not None:  # stopped while staging: nothing of it was posted, stage it again
        _forget(unfinished.id)
    _set_figures(imported, parsed.lines, [], [], duplicates)
    session.add(imported)
    session.commit()
    turns = _Turns()
    for start in range(0, len(fresh), STAGE_CHUNK):
        _stage(tenant_id, imported.id, fresh[start : start + STAGE_CHUNK], start)
        session.commit()
        turns.between()
    imported.status = IMPORT_POSTING
    session.commit()
    return resume_import(imported.id, chunk_size=chunk_size)


class _Turns:
    """Between two transactions of an import: on SQLite, leave the write lock free for a moment (logins, pages)
    whenever the import has held it for :data:`SQLITE_HOLD` since the last pause. Nothing on PostgreSQL."""

    def __init__(self) -> None:
        self.sqlite = session.get_bind().dialect.name == "sqlite"
        self.since = perf_counter()

    def between(self) -> None:
        if self.sqlite and perf_counter() - self.since >= SQLITE_HOLD:
            sleep(SQLITE_PAUSE)
            self.since = perf_counter()


def _forget(import_id: int) -> None:
    """Delete an import that stopped while its lines were being staged (none was posted)."""
    session.execute(delete(RegistryImportLine).where(RegistryImportLine.registry_import_id == import_id))
    session.execute(
        delete(RegistryImport).where(RegistryImport.id == import_id, RegistryImport.status == IMPORT_STAGING)
    )
    session.commit()


def _stage(tenant_id: int, import_id: int, lines: list[RegistryLine], first: int) -> None:
    """Stage ``lines`` in ``registry_import_lines``, numbered in posting order from ``first`` (one statement)."""
    if not lines:
        return
    insert_rows(
        RegistryImportLine.__table__,
        ("tenant_id", "registry_import_id", "seq", *RegistryLine._fields),  # line, paid_on, payment_id …
        [(tenant_id, import_id, seq, *line) for seq, line in enumerate(lines, start=first)],
    )


@_frozen_heap
def resume_import(import_id: int, *, chunk_size: int = CHUNK) -> RegistryImport:
    """Post the staged lines of an unfinished import, a chunk per transaction, then finish it; returns it.

    Each chunk locks the import's row, re-reads how far it got, posts the next lines, calls the
    plugins' ``on_payments_posted`` once, advances ``posted_lines`` and commits: a stopped import, or
    two workers resuming one import at once, post every line exactly once. Then the cabinet users
    are told (one notice each), the import is audited, marked done and its staging rows deleted.
    A plugin raising stops the import at that chunk (rolled back); resuming goes on from there.
    """
    tenant = _current_tenant()
    session.commit()  # each chunk below is a transaction of its own
    turns = _Turns()
    while True:
        imported = _lock_import(import_id)
        if imported.status != IMPORT_POSTING:
            session.commit()
            return imported
        staged = session.execute(
            select(
                RegistryImportLine.line,
                RegistryImportLine.paid_on,
                RegistryImportLine.payment_id,
                RegistryImportLine.account,
                RegistryImportLine.number,
                RegistryImportLine.payer,
                RegistryImportLine.amount,
            )
            .where(RegistryImportLine.registry_import_id == import_id, RegistryImportLine.seq >= imported.posted_lines)
            .order_by(RegistryImportLine.seq)
            .limit(chunk_size)
        ).all()
        if not staged:
            break
        try:
            _post_chunk(tenant, imported, [RegistryLine(*row) for row in staged])
        except ledger.IdempotencyConflict as conflict:  # another import posted the same payments meanwhile
            session.rollback()
            raise RegistryError(
                [Problem(0, _("another import posted some of these payments meanwhile; import the file again"))]
            ) from conflict
        except BaseException:
            session.rollback()
            raise
        session.commit()
        turns.between()
    _tell_holders(tenant, imported, turns)  # commits per chunk of users; the import stays "posting" until done
    imported = _lock_import(import_id)
    if imported.status == IMPORT_POSTING:
        imported.status = IMPORT_DONE
        session.execute(delete(RegistryImportLine).where(RegistryImportLine.registry_import_id == import_id))
        audit(
            "payments.registry_import",
            "registry_import",
            imported.id,
            None,
            {"filename": imported.filename, "sha256": imported.sha256, **report_figures(imported)},
            actor=imported.actor or None,
        )
    session.commit()
    return imported


def _lock_import(import_id: int) -> RegistryImport:
    """The import's row, locked for this transaction (PostgreSQL; SQLite's writer lock serialises anyway)."""
    imported = session.scalar(
        select(RegistryImport)
        .where(RegistryImport.id == import_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if imported is None:
        raise LookupError(f"no registry import {import_id}")
    return imported


def _post_chunk(tenant: Tenant, imported: RegistryImport, lines: list[RegistryLine]) -> None:
    """Post one chunk of staged lines, add it to the figures and tell the plugins (one hook call)."""
    provider = imported.provider
    fresh = [(line, payment_key(provider, line.payment_id)) for line in lines]
    accounts = _known_accounts({line.number for line in lines})
    matched, unknown, raced = _post(tenant, imported, fresh, accounts, provider)
    imported.matched += len(matched)
    imported.matched_total += sum(line.amount for line in matched)
    imported.suspense += len(unknown)
    imported.suspense_total += sum(line.amount for line in unknown)
    imported.duplicates += len(raced)
    imported.duplicates_total += sum(line.amount for line in raced)
    imported.posted_lines += len(lines)
    session.flush()
    if matched and has_payment_listeners(tenant):
        account_ids = sorted({accounts[line.number][0] for line in matched})

        def load_payments() -> list[Payment]:
            orders = [payment_order_id(payment_key(provider, line.payment_id)) for line in matched]
            return list(
                session.scalars(
                    select(Payment)
                    .where(Payment.registry_import_id == imported.id, one_of(Payment.order_id, orders))
                    .order_by(Payment.id)
                )
            )

        def load_accounts() -> list[PersonalAccount]:
            return list(
                session.scalars(
                    select(PersonalAccount)
                    .where(one_of(PersonalAccount.id, account_ids))
                    .order_by(PersonalAccount.id)
                    .execution_options(populate_existing=True)
                )
            )

        # read only if a plugin's hook names them (most need the account ids alone)
        paid, payments = ReadOnUse(len(account_ids), load_accounts), ReadOnUse(len(matched), load_payments)
        announce_payments(tenant, paid, payments, account_ids=account_ids)


def _set_figures(
    imported: RegistryImport,
    lines: list[RegistryLine],
    matched: list[RegistryLine],
    unknown: list[RegistryLine],
    duplicates: list[RegistryLine],
) -> None:
    imported.lines, imported.total = len(lines), sum(line.amount for line in lines)
    imported.matched, imported.matched_total = len(matched), sum(line.amount for line in matched)
    imported.suspense, imported.suspense_total = len(unknown), sum(line.amount for line in unknown)
    imported.duplicates, imported.duplicates_total = len(duplicates), sum(line.amount for line in duplicates)


def _post(
    tenant: Tenant,
    imported: RegistryImport,
    fresh: list[tuple[RegistryLine, str]],
    accounts: dict[str, tuple[int, int, str]],
    provider: str,
) -> tuple[list[RegistryLine], list[RegistryLine], list[RegistryLine]]:
    """Post ``fresh`` lines with one batch and insert their payments with one statement.

    Returns the lines posted to accounts, those posted to suspense, and those a concurrent import
    posted first (duplicates after all).
    """
    clearing = ledger.clearing_account(provider).id
    suspense = ledger.suspense_account().id
    zone = ZoneInfo(tenant.timezone)
    moments = {day: datetime.combine(day, time(), zone) for day in {line.paid_on for line, _key in fresh}}
    targets = [accounts.get(line.number) for line, _key in fresh]
    orders = [payment_order_id(key) for _line, key in fresh]
    transfers = [
        ledger.Transfer(
            key,
            "payment",
            clearing,
            suspense if account is None else account[1],
            line.amount,
            occurred_at=moments[line.paid_on],
            memo=f"registry {provider} {line.payment_id}",
            meta={
                "payment_order": order,
                "account_number": line.account,
                "channel": "registry",  # "Платёж через Сбербанк" in the history
                "provider": provider,
            },
        )
        for (line, key), account, order in zip(fresh, targets, orders, strict=True)
    ]
    result = ledger.post_transfers(transfers)
    now = utcnow()
    rows = []
    matched: list[RegistryLine] = []
    unknown: list[RegistryLine] = []
    raced: list[RegistryLine] = []
    for (line, key), account, order in zip(fresh, targets, orders, strict=True):
        if key in result.duplicates:  # posted by a concurrent import after we looked
            raced.append(line)
            continue
        (unknown if account is None else matched).append(line)
        rows.append(
            (
                order,
                line.payment_id,
                None if account is None else account[0],
                line.account if account is None else account[2],
                line.amount,
                SUSPENSE if account is None else POSTED,
                line.payer,
                moments[line.paid_on],
                result.ids[key],
                f'{{"line": {line.line:d}}}',  # json.dumps({"line": line.line}), without the encoder per row
            )
        )
    if rows:
        _insert_payments(tenant.id, provider, imported.id, now, rows)
    return matched, unknown, raced


def _insert_payments(tenant_id: int, provider: str, import_id: int, now: datetime, rows: list[tuple]) -> None:
    """Insert registry payments ``(order id, external id, account id, number, amount, status, payer,
    paid at, transaction id, meta JSON)`` with one driver-level statement (no per-row type machinery)."""
    dialect = session.get_bind().dialect
    convert = Payment.__table__.c.paid_at.type.dialect_impl(dialect).bind_processor(dialect) or (lambda value: value)
    stamps: dict[datetime, Any] = {}
    for moment in {row[7] for row in rows} | {now}:
        stamps[moment] = convert(moment)
    columns = (
        "order_id, external_id, personal_account_id, account_number, amount, status, payer, paid_at, "
        "transaction_id, meta, tenant_id, channel, provider, registry_import_id, created_at, posted_at"
    )
    if dialect.name == "sqlite":
        rows = [(*row[:7], stamps[row[7]], *row[8:]) for row in rows]
        session.connection().exec_driver_sql(
            f"INSERT INTO payments ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*row, tenant_id, REGISTRY, provider, import_id, stamps[now], stamps[now]) for row in rows],
        )
        return
    names = ("orders", "externals", "accounts", "numbers", "amounts", "statuses", "payers", "paid", "txns", "metas")
    params: dict[str, Any] = dict(zip(names, (list(column) for column in zip(*rows, strict=True)), strict=True))
    params["paid"] = [stamps[moment] for moment in params["paid"]]
    params |= {"t": tenant_id, "channel": REGISTRY, "provider": provider, "import": import_id, "now": stamps[now]}
    session.execute(
        text(
            f"INSERT INTO payments ({columns}) SELECT u.o, u.e, u.a, u.n, u.amount, u.s, u.p, u.paid, u.txn, "
            "CAST(u.meta AS json), :t, :channel, :provider, :import, :now, :now FROM unnest("
            "CAST(:orders AS text[]), CAST(:externals AS text[]), CAST(:accounts AS integer[]), "
            "CAST(:numbers AS text[]), CAST(:amounts AS bigint[]), CAST(:statuses AS text[]), "
            "CAST(:payers AS text[]), CAST(:paid AS timestamptz[]), CAST(:txns AS integer[]), "
            "CAST(:metas AS text[])) AS u(o, e, a, n, amount, s, p, paid, txn, meta)"
        ),
        params,
    )


def _tell_holders(tenant: Tenant, imported: RegistryImport, turns: _Turns) -> None:
    """One "payment received" notice per cabinet user of the accounts this import paid, however many payments.

    Set-based: one query finds every (user, account) pair the import paid with the count and sum per
    account; users are told :data:`NOTIFY_CHUNK` at a time, each chunk committed. The dedupe key
    ``registry:<import id>`` makes a resumed import tell nobody twice. Accounts nobody logs into cost
    nothing here.
    """
    totals = (
        select(
            Payment.personal_account_id.label("account_id"),
            func.count().label("paid"),
            func.sum(Payment.amount).label("total"),
        )
        .where(Payment.registry_import_id == imported.id, Payment.status == POSTED)
        .group_by(Payment.personal_account_id)
        .subquery()
    )
    rows = session.execute(
        select(AccountAccess.user_id, totals.c.account_id, totals.c.paid, totals.c.total)
        .join(totals, totals.c.account_id == AccountAccess.personal_account_id)
        .order_by(AccountAccess.user_id, totals.c.account_id)
    ).all()
    by_user: dict[int, list[tuple[int, int, int]]] = {}
    for user_id, account_id, paid, total in rows:
        by_user.setdefault(user_id, []).append((account_id, int(paid), int(total)))
    user_ids = list(by_user)
    for start in range(0, len(user_ids), NOTIFY_CHUNK):
        chunk = user_ids[start : start + NOTIFY_CHUNK]
        users = session.execute(
            select(User.id, User.tenant_id, User.email, User.locale, User.full_name, User.login)
            .where(one_of(User.id, chunk))
            .order_by(User.id)
        ).all()
        accounts = {
            account_id: _Paid(number, balance)
            for account_id, number, balance in session.execute(
                select(PersonalAccount.id, PersonalAccount.number, LedgerAccount.balance)
                .join(LedgerAccount, LedgerAccount.id == PersonalAccount.ledger_account_id)
                .where(one_of(PersonalAccount.id, sorted({a for user_id in chunk for a, _n, _t in by_user[user_id]})))
            )
        }
        told = [
            (
                Recipient(user_id, tenant_id, email, locale, full_name or login),
                [(accounts[account_id], paid, total) for account_id, paid, total in by_user[user_id]],
            )
            for user_id, tenant_id, email, locale, full_name, login in users
        ]
        tell_holders(tenant, told, dedupe_key=f"registry:{imported.id}")
        session.commit()
        turns.between()


class _Paid(NamedTuple):
    """A paid account as its holders' notice shows it."""

    number: str
    balance: int


def report_figures(imported: RegistryImport) -> dict[str, int]:
    """The reconciliation figures of an import (counts and sums in kopecks)."""
    return {
        name: getattr(imported, name)
        for name in (
            "lines",
            "total",
            "matched",
            "matched_total",
            "suspense",
            "suspense_total",
            "duplicates",
            "duplicates_total",
        )
    }


def report_text(imported: RegistryImport) -> list[str]:
    """The reconciliation report as plain lines (sums in rubles), for the CLI."""
    return [
        f"registry:   {imported.filename} ({imported.provider}, sha256 {imported.sha256[:12]}…)",
        f"payments:   {imported.lines}, total {format_money(imported.total, 'wire')}",
        f"matched:    {imported.matched}, total {format_money(imported.matched_total, 'wire')}",
        f"suspense:   {imported.suspense}, total {format_money(imported.suspense_total, 'wire')}",
        f"duplicates: {imported.duplicates}, total {format_money(imported.duplicates_total, 'wire')}",
    ]
