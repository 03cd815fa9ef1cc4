"""How fast a big registry imports, next to plain bulk inserts of the same rows (opt-in: it takes minutes).

    ABONENT_REGISTRY_BENCH=100000 .venv/bin/pytest tests/payments/test_registry_speed.py -s

prints the import's time (parse, post, insert, commit) and two baselines measured in the same
database: a bulk insert of the registry's payment rows alone, and bulk inserts of every row the
import writes (ledger transactions, two postings each, payments). The unit tests prove the import is
set-based (``test_import_is_set_based_not_a_query_per_line``); this one measures it.
"""

from __future__ import annotations

import os
import time

import pytest
from sqlalchemy import insert, select

from core.accounts.models import PersonalAccount
from core.db import session, tenant_scope, utcnow
from core.ledger import service as ledger
from core.ledger.models import PERSONAL, LedgerAccount, LedgerTransaction, Posting
from core.payments.models import Payment
from core.payments.registry import import_registry

LINES = int(os.environ.get("ABONENT_REGISTRY_BENCH", "0"))
ACCOUNTS = 20_000
PAYER = "Иванов Иван Иванович"

pytestmark = pytest.mark.skipif(not LINES, reason="set ABONENT_REGISTRY_BENCH=<lines> to measure")


def big_registry(lines: int) -> bytes:
    rows, total = [], 0
    for i in range(lines):
        account = f"{500_000 + i % ACCOUNTS}" if i % 10 else f"9{i}"  # one in ten is unknown
        amount = 10_000 + i % 5_000
        total += amount
        rows.append(
            f"01-11-2026;10-15-00;8597;8597/0001;{1_000_000 + i};{account};{PAYER};г. Челябинск, ул. Примерная, 1-5;"
            f"1126;{amount // 100}.{amount % 100:02d};{amount // 100}.{amount % 100:02d};0.00"
        )
    rows.append(f"={lines};{total // 100}.{total % 100:02d}")
    return ("\n".join(rows) + "\n").encode("cp1251")


def open_accounts(tenant_id: int) -> None:
    now = utcnow()
    ledger_rows = [
        {"tenant_id": tenant_id, "code": f"personal:{500_000 + i}", "kind": PERSONAL, "title": "", "balance": 0}
        for i in range(ACCOUNTS)
    ]
    table = LedgerAccount.__table__
    ids = dict(
        (code, id_) for id_, code in session.execute(insert(table).returning(table.c.id, table.c.code), ledger_rows)
    )
    session.execute(
        insert(PersonalAccount.__table__),
        [
            {
                "tenant_id": tenant_id,
                "number": f"{500_000 + i}",
                "ledger_account_id": ids[f"personal:{500_000 + i}"],
                "opened_on": now.date(),
                "created_at": now,
                "search_text": f"{500_000 + i}",
            }
            for i in range(ACCOUNTS)
        ],
    )
    session.commit()


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def test_a_big_registry_imports_within_a_few_bulk_inserts(app, make_tenant):
    tenant = make_tenant("isp")
    data = big_registry(LINES)
    with app.app_context(), tenant_scope(tenant.id):
        open_accounts(tenant.id)
        now = utcnow()
        payments = [
            {
                "tenant_id": tenant.id,
                "channel": "registry",
                "provider": "bench",
                "order_id": f"bench-{i}",
                "external_id": str(i),
                "personal_account_id": None,
                "account_number": "1",
                "amount": 100,
                "status": "posted",
                "payer": PAYER,
                "paid_at": now,
                "created_at": now,
                "posted_at": now,
                "transaction_id": None,
                "registry_import_id": None,
                "meta": {"line": i},
            }
            for i in range(LINES)
        ]
        only_payments = timed(lambda: (session.execute(insert(Payment.__table__), payments), session.commit()))
        session.execute(Payment.__table__.delete().where(Payment.provider == "bench"))
        session.commit()

        account = session.scalar(select(LedgerAccount.id))
        transactions = [
            {
                "tenant_id": tenant.id,
                "idempotency_key": f"bench:{i}",
                "kind": "payment",
                "payload_hash": "0" * 64,
                "memo": f"registry bench {i}",
                "meta": {"account_number": "1"},
                "occurred_at": now,
                "created_at": now,
                "actor": "",
            }
            for i in range(LINES)
        ]

        def every_row() -> None:
            session.execute(insert(LedgerTransaction.__table__), transactions)
            first = session.scalar(select(LedgerTransaction.id).where(LedgerTransaction.idempotency_key == "bench:0"))
            postings = [
                {
                    "tenant_id": tenant.id,
                    "transaction_id": first,
                    "ledger_account_id": account,
                    "amount": sign * 100,
                    "kind": "payment",
                    "occurred_at": now,
                }
                for _i in range(LINES)
                for sign in (1, -1)
            ]
            session.execute(insert(Posting.__table__), postings)
            session.execute(insert(Payment.__table__), payments)
            session.flush()

        all_rows = timed(every_row)
        session.rollback()

        imported = None

        def run_import() -> None:
            nonlocal imported
            imported = import_registry(data, "big.txt", "bench")
            session.commit()

        took = timed(run_import)
        again = timed(lambda: (import_registry(data, "big.txt", "bench"), session.commit()))
        print(
            f"\n{LINES} lines on {session.get_bind().dialect.name}: import {took:.1f} s, re-import {again:.1f} s; "
            f"bulk insert of the payment rows {only_payments:.1f} s (×{took / only_payments:.1f}), "
            f"of every row the import writes {all_rows:.1f} s (×{took / all_rows:.1f})"
        )
        assert imported.matched + imported.suspense == LINES
        assert ledger.check() == []
        assert took <= 3 * all_rows
