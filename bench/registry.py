"""Benchmark 3: importing a 100,000-line Sberbank-style registry vs bulk-inserting the same rows.

The path users run: every account has a cabinet user (with an e-mail; one in four chose no e-mail for
payments, one in ten no in-app notice) and an isp contract (the isp charge benchmark made them; one in
twenty is blocked for debt before the import, so the payment unblocks it).

Ours: ``core.payments.registry.import_registry`` end to end (decode, parse and check every line,
stage the new lines, post them a chunk per transaction — ledger transactions, payments, one
``on_payments_posted`` call per chunk, so isp settles and unblocks — then one notification per
subscriber, and the e-mails they chose). Baseline: the ledger and payment rows that import writes
(ledger transactions, postings, payments; the balances), prepared in memory before timing, written
with executemany in one transaction as the app role, and one set-based balance ``UPDATE``: the floor.
(``COPY`` is not allowed into tables with row-level security for a non-owner role.) One line in 100
names an unknown account and goes to suspense.

During the import a probe process uses the same site (a subscriber logs in every tenth request and
opens the dashboard otherwise): its p99 and errors are reported against the same probe on the idle site.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as day_time
from zoneinfo import ZoneInfo

from sqlalchemy import select, text

from bench.bulk import insert_rows
from bench.database import BenchDatabase
from bench.probe import Probe, ProbeReport
from bench.report import Result, cpu_clock, cpu_note, progress, seconds
from bench.seed import CREATED, account_number, analyze, reset_ledger
from core.accounts.models import PersonalAccount
from core.db import session, tenant_scope
from core.ledger import service as ledger

TARGET = 3.0
PROBE_ERRORS = 0  # the site keeps answering during the import
PROBE_IDLE_SECONDS = 5.0
PROBE_PASSWORD = "Bench-probe-1"
EMAIL_OFF_EVERY = 4  # subscribers who chose no e-mail for payments
IN_APP_OFF_EVERY = 10
BLOCKED_EVERY = 20  # contracts blocked for debt before the import
PROVIDER = "sberbank"
PAID_ON = date(2026, 2, 1)
FIRST_PAYMENT_ID = 900_000_000
PAYER = "Иванов Иван Иванович"
ADDRESS = "г. Челябинск, ул. Примерная, 1-5"


def registry_module():
    """``core.payments.registry`` if it offers ``import_registry`` (it is being written), else ``None``."""
    try:
        module = importlib.import_module("core.payments.registry")
    except ImportError:
        return None
    return module if callable(getattr(module, "import_registry", None)) else None


def _rubles(kopecks: int) -> str:
    return f"{kopecks // 100}.{kopecks % 100:02d}"


def _line(i: int, accounts: int) -> tuple[str, str, int]:
    """Payment id, account number as the bank typed it, kopecks."""
    known = i % 100 != 99
    number = account_number(i % accounts + 1) if known else account_number(accounts + 1 + i)
    return str(FIRST_PAYMENT_ID + i), number, 10_000 + (i % 50) * 1_050


def make_registry(lines: int, accounts: int) -> bytes:
    """A cp1251 registry like the Sberbank sample: 12 columns per payment, then the totals line."""
    out = []
    total = 0
    for i in range(lines):
        payment_id, number, amount = _line(i, accounts)
        total += amount
        fee = amount // 100
        out.append(
            f"{PAID_ON:%d-%m-%Y};10-{i // 60 % 60:02d}-{i % 60:02d};8597;8597/0001;{payment_id};{number};{PAYER};"
            f"{ADDRESS};1126;{_rubles(amount)};{_rubles(amount - fee)};{_rubles(fee)}"
        )
    out.append(f"={lines};{_rubles(total)};{_rubles(total - total // 100)};{_rubles(total // 100)};12345;01-02-2026")
    return ("\n".join(out) + "\n").encode("cp1251")


@dataclass(frozen=True)
class Prepared:
    """One registry payment as rows to insert, everything known but the transaction id."""

    key: str
    amount: int
    target: int  # ledger account
    account_id: int | None
    number: str
    payment_id: str
    digest: str
    meta: str  # the transaction's
    line_meta: str  # the payment's
    status: str


def _prepare(db: BenchDatabase, lines: int, accounts: int, suspense: int) -> list[Prepared]:
    with db.app.app_context(), tenant_scope(db.tenant_id):
        known = dict(
            (number, (account_id, ledger_id))
            for number, account_id, ledger_id in session.execute(
                select(PersonalAccount.number, PersonalAccount.id, PersonalAccount.ledger_account_id)
            )
        )
    prepared = []
    for i in range(lines):
        payment_id, number, amount = _line(i, accounts)
        account_id, target = known.get(number, (None, suspense))
        key = f"registry:{PROVIDER}:{payment_id}"
        prepared.append(
            Prepared(
                key,
                amount,
                target,
                account_id,
                number,
                payment_id,
                hashlib.sha256(key.encode()).hexdigest(),
                json.dumps({"payment_order": key, "account_number": number}),
                json.dumps({"line": i + 1}),
                "posted" if account_id is not None else "suspense",
            )
        )
    return prepared


NOTIFICATION_COLUMNS = {
    "tenant_id": "int",
    "user_id": "int",
    "kind": "text",
    "title": "text",
    "body": "text",
    "link": "text",
    "dedupe_key": "text",
    "read_at": "timestamptz",
    "created_at": "timestamptz",
}
OUTBOX_COLUMNS = {
    "tenant_id": "int",
    '"to"': "text",
    "subject": "text",
    "body_text": "text",
    "kind": "text",
    "status": "text",
    "attempts": "int",
    "last_error": "text",
    "created_at": "timestamptz",
    "next_attempt_at": "timestamptz",
}
MAIL_TEXT = (
    "Здравствуйте, {name}!\n\nЗачислен платёж на сумму 150,00 ₽\n\nЛицевой счёт {number}. Баланс: 150,00 ₽.\n\nBench\n"
)


def _notices(db: BenchDatabase, prepared: list[Prepared]) -> list[tuple[int, str, str, bool, bool]]:
    """(user id, e-mail, account number, in app, by e-mail) of the cabinet user of every paid account."""
    paid = {p.account_id for p in prepared if p.account_id is not None}
    with db.owner.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT u.id, u.email, a.number, a.id, coalesce(p.in_app, :yes), coalesce(p.email, :yes) "
                "FROM users u JOIN account_access x ON x.user_id = u.id "
                "JOIN personal_accounts a ON a.id = x.personal_account_id "
                "LEFT JOIN notification_preferences p ON p.user_id = u.id AND p.kind = 'payment_received' "
                "WHERE u.tenant_id = :t"
            ),
            {"t": db.tenant_id, "yes": True},
        ).all()
    return [
        (user, email, number, bool(in_app), bool(mail))
        for user, email, number, account, in_app, mail in rows
        if account in paid
    ]


def _stamp(moment: datetime, dialect: str):
    """A timestamp as the driver gets it: SQLAlchemy's SQLite text format, or a datetime for psycopg."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") if dialect == "sqlite" else moment


TRANSACTION_COLUMNS = {
    "id": "int",
    "tenant_id": "int",
    "idempotency_key": "text",
    "kind": "text",
    "payload_hash": "text",
    "memo": "text",
    "meta": "json",
    "occurred_at": "timestamptz",
    "created_at": "timestamptz",
    "actor": "text",
}
POSTING_COLUMNS = {
    "tenant_id": "int",
    "transaction_id": "int",
    "ledger_account_id": "int",
    "amount": "bigint",
    "kind": "text",
    "occurred_at": "timestamptz",
}
PAYMENT_COLUMNS = {
    "tenant_id": "int",
    "channel": "text",
    "provider": "text",
    "order_id": "text",
    "external_id": "text",
    "personal_account_id": "int",
    "account_number": "text",
    "amount": "bigint",
    "status": "text",
    "payer": "text",
    "paid_at": "timestamptz",
    "created_at": "timestamptz",
    "posted_at": "timestamptz",
    "transaction_id": "int",
    "meta": "json",
}


def _transaction_ids(conn, count: int) -> list[int] | range:
    if conn.dialect.name == "postgresql":
        return (
            conn.execute(
                text("SELECT nextval(pg_get_serial_sequence('ledger_transactions', 'id')) FROM generate_series(1, :n)"),
                {"n": count},
            )
            .scalars()
            .all()
        )
    # BEGIN IMMEDIATE holds SQLite's write lock: nobody else can take these ids meanwhile
    first = conn.execute(text("SELECT coalesce(max(id), 0) FROM ledger_transactions")).scalar_one() + 1
    return range(first, first + count)


def run_baseline(
    db: BenchDatabase, prepared: list[Prepared], notices: list[tuple[int, str, str, bool, bool]], clearing: int
) -> tuple[float, float | None, float]:
    """Seconds and CPU seconds for all rows, and seconds for the payments rows alone.

    All rows: ledger transactions, postings, payments, the balances, and the subscribers' notices and
    e-mails (their texts written before timing).
    """
    paid = _stamp(datetime.combine(PAID_ON, day_time(), ZoneInfo("Europe/Moscow")), db.name)
    t = db.tenant_id
    texts = {number: MAIL_TEXT.format(name=f"Subscriber {number}", number=number) for _u, _e, number, _i, _m in notices}
    start = time.perf_counter()
    with db.engine.begin() as conn:
        clock = cpu_clock(conn)
        if db.name == "postgres":
            conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(t)})
        ids = _transaction_ids(conn, len(prepared))
        now = _stamp(datetime.now(UTC), db.name)
        transactions = [
            (i, t, p.key, "payment", p.digest, f"registry {PROVIDER} {p.payment_id}", p.meta, paid, now, "")
            for i, p in zip(ids, prepared, strict=True)
        ]
        insert_rows(conn, "ledger_transactions", TRANSACTION_COLUMNS, transactions)
        postings = [(t, i, p.target, p.amount, "payment", paid) for i, p in zip(ids, prepared, strict=True)]
        postings += [(t, i, clearing, -p.amount, "payment", paid) for i, p in zip(ids, prepared, strict=True)]
        insert_rows(conn, "postings", POSTING_COLUMNS, postings)
        payments_start = time.perf_counter()
        payments = [
            (
                t,
                "registry",
                PROVIDER,
                p.key,
                p.payment_id,
                p.account_id,
                p.number,
                p.amount,
                p.status,
                PAYER,
                paid,
                now,
                now,
                i,
                p.line_meta,
            )
            for i, p in zip(ids, prepared, strict=True)
        ]
        insert_rows(conn, "payments", PAYMENT_COLUMNS, payments)
        payments_only = time.perf_counter() - payments_start
        notes = [
            (
                t,
                user,
                "payment_received",
                "Зачислен платёж на сумму 150,00 ₽",
                f"Лицевой счёт {number}.",
                "",
                "registry:1",
                None if in_app else now,
                now,
            )
            for user, _email, number, in_app, _mail in notices
        ]
        insert_rows(conn, "notifications", NOTIFICATION_COLUMNS, notes)
        mails = [
            (
                t,
                email,
                "Зачислен платёж на сумму 150,00 ₽",
                texts[number],
                "notify:payment_received",
                "queued",
                0,
                "",
                now,
                now,
            )
            for user, email, number, _in_app, mail in notices
            if mail
        ]
        insert_rows(conn, "outbox_messages", OUTBOX_COLUMNS, mails)
        conn.execute(
            text(
                "UPDATE ledger_accounts SET balance = balance + s.total FROM (SELECT ledger_account_id AS id, "
                "sum(amount) AS total FROM postings WHERE tenant_id = :t GROUP BY ledger_account_id) AS s "
                "WHERE ledger_accounts.id = s.id"
            ),
            {"t": t},
        )
    elapsed = time.perf_counter() - start
    return elapsed, clock.elapsed() if clock.complete else None, payments_only


def _seed_subscribers(db: BenchDatabase) -> str:
    """A cabinet user per account with access and preferences (set-based, as the owner); the probe's login.

    The isp contracts come from the isp charge benchmark, run before this one.
    """
    from core.identity.passwords import hash_password

    params = {"t": db.tenant_id, "now": CREATED, "yes": True, "no": False}
    params |= {"email_off": EMAIL_OFF_EVERY, "in_app_off": IN_APP_OFF_EVERY}
    with db.owner.begin() as conn:
        contracts = conn.execute(text("SELECT count(*) FROM isp_contracts WHERE tenant_id = :t"), params).scalar()
        if not contracts:
            raise AssertionError("the registry benchmark runs after the isp charge benchmark (its contracts)")
        conn.execute(
            _stamped(
                "INSERT INTO users (tenant_id, login, email, email_confirmed, full_name, phone, password_hash, "
                "status, created_at, password_changed_at, search_text) SELECT tenant_id, number, "
                "number || '@bench.example', :yes, holder_name, '', '!', 'active', :now, :now, number "
                "FROM personal_accounts WHERE tenant_id = :t"
            ),
            params,
        )
        conn.execute(
            _stamped(
                "INSERT INTO account_access (tenant_id, user_id, personal_account_id, created_at) "
                "SELECT u.tenant_id, u.id, a.id, :now FROM users u JOIN personal_accounts a "
                "ON a.tenant_id = u.tenant_id AND a.number = u.login WHERE u.tenant_id = :t"
            ),
            params,
        )
        conn.execute(
            text(
                "INSERT INTO notification_preferences (tenant_id, user_id, kind, in_app, email) "
                "SELECT tenant_id, id, 'payment_received', CASE WHEN id % :in_app_off = 0 THEN :no ELSE :yes END, "
                "CASE WHEN id % :email_off = 0 THEN :no ELSE :yes END FROM users "
                "WHERE tenant_id = :t AND (id % :in_app_off = 0 OR id % :email_off = 0)"
            ),
            params,
        )
        login = account_number(1)
        conn.execute(
            text("UPDATE users SET password_hash = :hash WHERE tenant_id = :t AND login = :login"),
            params | {"hash": hash_password(PROBE_PASSWORD), "login": login},
        )
    analyze(db)
    return login


def _stamped(sql: str):
    from sqlalchemy import bindparam

    from core.db.base import UTCDateTime

    return text(sql).bindparams(bindparam("now", type_=UTCDateTime()))


def _prepare_run(db: BenchDatabase) -> None:
    """Before a timed run: an empty ledger, no notices or mails, one contract in twenty blocked for debt."""
    reset_ledger(db)
    params = {"t": db.tenant_id, "now": CREATED, "every": BLOCKED_EVERY, "day": CREATED.date()}
    with db.owner.begin() as conn:
        for table in ("notifications", "outbox_messages", "audit_events", "auth_sessions"):
            conn.execute(text(f"DELETE FROM {table} WHERE tenant_id = :t"), params)
        conn.execute(
            _stamped(
                "UPDATE isp_contracts SET blocked_since = CASE WHEN id % :every = 0 THEN :now END, "
                "negative_since = CASE WHEN id % :every = 0 THEN :day END WHERE tenant_id = :t"
            ),
            params,
        )
    analyze(db)


def _probe(db: BenchDatabase, login: str) -> Probe:
    return Probe(
        db.engine.url.render_as_string(hide_password=False), db.app.instance_path, "bench", login, PROBE_PASSWORD
    )


def run_import(db: BenchDatabase, data: bytes) -> tuple[float, float | None, int]:
    """Seconds and CPU seconds of the import (it commits its chunks), and the number of lines it imported."""
    module = registry_module()
    with db.app.app_context(), tenant_scope(db.tenant_id):
        clock = cpu_clock(session.connection())
        start = time.perf_counter()
        imported = module.import_registry(data, "sberbank-20260201.txt", "bench")
        session.commit()
        elapsed = time.perf_counter() - start
        return elapsed, clock.elapsed() if clock.complete else None, imported.lines


def _outcome(db: BenchDatabase) -> tuple:
    """What the subscribers got: notices, e-mails queued, and paid contracts still blocked (none)."""
    with db.owner.connect() as conn:
        return tuple(
            conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM notifications WHERE kind = 'payment_received'), "
                    "(SELECT count(*) FROM outbox_messages), "
                    "(SELECT count(*) FROM isp_contracts c WHERE blocked_since IS NOT NULL AND EXISTS "
                    "(SELECT 1 FROM payments p WHERE p.personal_account_id = c.personal_account_id))"
                )
            ).one()
        )


def _ledger_state(db: BenchDatabase) -> tuple:
    with db.owner.connect() as conn:
        return tuple(
            conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM postings), (SELECT count(*) FROM payments), "
                    "(SELECT sum(balance) FROM ledger_accounts WHERE kind = 'personal'), "
                    "(SELECT count(*) FROM payments WHERE status = 'suspense')"
                )
            ).one()
        )


def bench_registry(db: BenchDatabase, size: int) -> list[Result]:
    """A registry of N lines for the N subscribers' accounts (1 % unknown), imported vs bulk-inserted."""
    if registry_module() is None:
        print(f"  registry import: skipped on {db.name}: core.payments.registry.import_registry is not there yet")
        return []
    with db.app.app_context(), tenant_scope(db.tenant_id):
        clearing, suspense = ledger.clearing_account(PROVIDER).id, ledger.suspense_account().id
        session.commit()
    login = _seed_subscribers(db)
    data = make_registry(size, size)
    prepared = _prepare(db, size, size, suspense)
    notices = _notices(db, prepared)
    _prepare_run(db)
    progress(f"{db.name}: baseline executemany of the rows of {size:,} registry payments and their notices")
    baseline, baseline_cpu, payments_only = run_baseline(db, prepared, notices, clearing)
    expected = _ledger_state(db)
    _prepare_run(db)
    progress(f"{db.name}: import_registry of {size:,} lines ({len(data) / 1e6:.1f} MB)")
    ours, ours_cpu, lines = run_import(db, data)
    notified, mails, unblocked = _check_import(db, expected, lines, size)
    _prepare_run(db)
    progress(f"{db.name}: the site idle, probed for {PROBE_IDLE_SECONDS:.0f} s")
    with _probe(db, login) as idle_probe:
        time.sleep(PROBE_IDLE_SECONDS)
    progress(f"{db.name}: import_registry again from scratch, the site probed meanwhile")
    with _probe(db, login) as busy_probe:
        busy, _cpu, lines = run_import(db, data)
    _check_import(db, expected, lines, size)
    ratio = ours / baseline
    assert idle_probe.report is not None and busy_probe.report is not None
    return [
        Result(
            f"registry import ({size:,} lines, subscribers)",
            db.name,
            seconds(ours),
            seconds(baseline),
            ratio,
            TARGET,
            ratio <= TARGET,
            f"{size / ours:,.0f} lines/s; {cpu_note(ours_cpu, baseline_cpu)}; {notified:,} notices, {mails:,} e-mails, "
            f"{unblocked:,} contracts unblocked; baseline's payments rows alone {seconds(payments_only)}",
        ),
        _probe_result(db.name, idle_probe.report, busy_probe.report, busy),
    ]


def _check_import(db: BenchDatabase, expected: tuple, lines: int, size: int) -> tuple[int, int, int]:
    """The import left the baseline's ledger and unblocked every paid contract; returns notices, mails, unblocked."""
    if _ledger_state(db) != expected or lines != size:
        raise AssertionError(f"registry import left {_ledger_state(db)} ({lines} lines), baseline {expected}")
    notified, mails, still_blocked = _outcome(db)
    if still_blocked:
        raise AssertionError(f"{still_blocked} paid contracts are still blocked")
    with db.owner.connect() as conn:
        unblocked = conn.execute(text("SELECT count(*) FROM audit_events WHERE action = 'isp.unblock'")).scalar()
    return notified, mails, unblocked


def _probe_result(database: str, idle: ProbeReport, busy: ProbeReport, took: float) -> Result:
    """The site during the import: p99 against the idle site's; passes with no errors."""
    p99, idle_p99 = busy.percentile(0.99), idle.percentile(0.99)
    reason = f"; first: {busy.first_error}" if busy.first_error else ""
    return Result(
        "site during the import: errors (p99 in ours)",
        database,
        seconds(p99),
        seconds(idle_p99),
        float(busy.errors),
        PROBE_ERRORS,
        busy.errors <= PROBE_ERRORS,
        f"{busy.requests:,} requests ({busy.logins:,} logins) in the {seconds(took)} of that import, "
        f"{busy.errors} errors{reason}; p99 "
        f"{p99 / idle_p99 if idle_p99 else 0:.1f}× the idle site's; p50 "
        f"{seconds(busy.percentile(0.5))} vs {seconds(idle.percentile(0.5))} idle; baseline column: the idle site",
    )
