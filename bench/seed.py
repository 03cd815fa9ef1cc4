"""Set-based seeding: personal accounts (with their ledger accounts) and long posting histories.

Everything here runs as the owner with explicit ``tenant_id`` and bypasses the services on purpose:
it prepares the data the benchmarks then time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from bench.database import BenchDatabase
from core.db.base import UTCDateTime

FIRST_NUMBER = 10_000_000  # account numbers are 8 digits: 10000001, 10000002 …
CREATED = datetime(2026, 1, 1, tzinfo=UTC)


def _seq(limit_param: str) -> str:
    """A recursive CTE ``seq(n)`` counting 1 … :limit (portable between SQLite and PostgreSQL)."""
    return f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < :{limit_param}) "


def _timestamps(sql: str, *names: str):
    return text(sql).bindparams(*(bindparam(name, type_=UTCDateTime()) for name in names))


def account_number(n: int) -> str:
    return str(FIRST_NUMBER + n)


def create_accounts(db: BenchDatabase, count: int) -> None:
    """``count`` open personal accounts with zero balances, numbered ``account_number(1 … count)``."""
    params = {"t": db.tenant_id, "count": count, "base": FIRST_NUMBER, "now": CREATED, "today": date(2026, 1, 1)}
    with db.owner.begin() as conn:
        conn.execute(
            _timestamps(
                "INSERT INTO ledger_accounts (tenant_id, code, kind, title, balance, created_at) "
                + _seq("count")
                + "SELECT :t, 'personal:' || CAST(:base + n AS TEXT), 'personal', CAST(:base + n AS TEXT), 0, :now "
                "FROM seq",
                "now",
            ),
            params,
        )
        conn.execute(
            _timestamps(
                "INSERT INTO personal_accounts (tenant_id, number, holder_kind, holder_name, holder_inn, address, "
                "status, opened_on, ledger_account_id, created_at, search_text) "
                "SELECT tenant_id, title, 'individual', 'Subscriber ' || title, '', 'Street 1', 'open', :today, id, "
                ":now, title FROM ledger_accounts WHERE tenant_id = :t AND kind = 'personal'",
                "now",
            ),
            params,
        )
    analyze(db)


def analyze(db: BenchDatabase) -> None:
    """PostgreSQL: what autovacuum does after bulk writes. SQLite: nothing (the app never runs ANALYZE)."""
    if db.name == "postgres":
        with db.owner.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))


def reset_ledger(db: BenchDatabase) -> None:
    """Remove every transaction and posting and zero the balances (between timed runs)."""
    with db.owner.begin() as conn:
        _delete_ledger(conn, db.name)
    if db.name == "sqlite":  # give back the freed pages: every timed run starts from the same file
        with db.owner.connect() as conn:
            conn.exec_driver_sql("VACUUM")
    analyze(db)


def _delete_ledger(conn: Connection, kind: str) -> None:
    if kind == "postgres":
        conn.execute(
            text(
                "TRUNCATE payments, registry_uploads, registry_import_lines, registry_imports, postings, "
                "ledger_transactions"
            )
        )
    else:
        tables = ("payments", "registry_uploads", "registry_import_lines", "registry_imports", "postings")
        for table in (*tables, "ledger_transactions"):
            conn.execute(text(f"DELETE FROM {table}"))
    conn.execute(text("UPDATE ledger_accounts SET balance = 0"))


def add_history(db: BenchDatabase, ledger_account_id: int, first: int, last: int) -> None:
    """Postings number ``first`` … ``last`` of one account's history, posting n at 2026-02-01 minus n minutes.

    One shared ledger transaction per 1000 postings (so ``operations`` has a memo to join); every
    30th posting is a payment, the rest are charges; the account's balance is set to their sum.
    Ledger invariants (the other side of each posting) do not matter to the read benchmark.
    """
    assert (first - 1) % 1000 == 0, "history is added in whole blocks of 1000"
    params = {"t": db.tenant_id, "a": ledger_account_id, "first": first, "last": last, "now": CREATED}
    params["prefix"] = f"history:{ledger_account_id}:"
    if db.name == "postgres":
        numbers = "generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS seq(n)"
        moment = "CAST(:base AS timestamptz) - n * interval '1 minute'"
        params["base"] = "2026-02-01 00:00:00+00"
        head = ""
    else:
        numbers = "seq"
        moment = "strftime('%Y-%m-%d %H:%M:%S', :base, '-' || n || ' minutes') || '.000000'"
        params["base"] = "2026-02-01 00:00:00"
        head = "WITH RECURSIVE seq(n) AS (SELECT :first UNION ALL SELECT n + 1 FROM seq WHERE n < :last) "
    with db.owner.begin() as conn:
        if db.name == "postgres":  # seeding only: skip the per-row foreign key triggers
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(
            _timestamps(
                "INSERT INTO ledger_transactions (tenant_id, idempotency_key, kind, payload_hash, memo, meta, "
                "occurred_at, created_at, actor) "
                + head
                + "SELECT :t, :prefix || CAST((n - 1) / 1000 AS TEXT), 'history', '', "
                "'History block ' || CAST((n - 1) / 1000 AS TEXT), '{}', :now, :now, '' "
                f"FROM {numbers} WHERE (n - 1) % 1000 = 0",
                "now",
            ),
            params,
        )
        conn.execute(
            text(
                "INSERT INTO postings (tenant_id, transaction_id, ledger_account_id, amount, kind, service, period, "
                "occurred_at) " + head + "SELECT :t, x.id, :a, CASE WHEN n % 30 = 0 THEN 150000 ELSE -5000 END, "
                "CASE WHEN n % 30 = 0 THEN 'payment' ELSE 'charge' END, 'internet', NULL, "
                f"{moment} FROM {numbers} JOIN ledger_transactions x "
                "ON x.tenant_id = :t AND x.idempotency_key = :prefix || CAST((n - 1) / 1000 AS TEXT)"
            ),
            params,
        )
        conn.execute(
            text(
                "UPDATE ledger_accounts SET balance = "
                "(SELECT coalesce(sum(amount), 0) FROM postings WHERE ledger_account_id = :a) WHERE id = :a"
            ),
            params,
        )
    analyze(db)
