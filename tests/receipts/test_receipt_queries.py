"""A receipt is summed by the database: a month of a thousand charges runs the statements a month of ten does."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from core.db import session
from core.ledger import service as ledger
from core.receipts import build_receipt
from core.testing.statements import counted_statements
from tests.receipts.conftest import utc


def _charges(account, first: int, count: int) -> None:
    """``count`` charges of 1 rouble each, on three services, an hour apart from 1 November; and as many payments."""
    revenue = {code: ledger.revenue_account(code).id for code in ("internet", "tv", "phone")}
    clearing = ledger.clearing_account("sberbank").id
    start = utc(2026, 11, 1, 1)
    transfers = []
    for n in range(first, first + count):
        code = ("internet", "tv", "phone")[n % 3]
        moment = start + timedelta(minutes=20 * n)
        transfers.append(
            ledger.Transfer(f"c{n}", "charge", account.ledger_account_id, revenue[code], 100, code, "2026-11", moment)
        )
        transfers.append(
            ledger.Transfer(f"p{n}", "payment", clearing, account.ledger_account_id, 100, None, None, moment)
        )
    ledger.post_transfers(transfers)
    session.commit()


def test_a_month_of_a_thousand_charges_costs_what_a_month_of_ten_does(tenant, scope, books):
    with scope(tenant):
        b = books()
        _charges(b.account, 0, 9)
        build_receipt(tenant, b.account, "2026-11")  # warm up
        with counted_statements(current_app) as small:
            receipt = build_receipt(tenant, b.account, "2026-11")
        assert [(line.service, line.amount) for line in receipt.charges] == [
            ("internet", 300),
            ("tv", 300),
            ("phone", 300),
        ]  # by title: Интернет, Телевидение, Телефония
        _charges(b.account, 9, 990)
        build_receipt(tenant, b.account, "2026-11")  # the same state as above (a transaction open again)
        with counted_statements(current_app) as large:
            receipt = build_receipt(tenant, b.account, "2026-11")
    assert len(large) == len(small), large.report()
    assert sorted((line.title, line.amount) for line in receipt.charges) == [
        ("Интернет", 33_300),
        ("Телевидение", 33_300),
        ("Телефония", 33_300),
    ]
    assert receipt.charges_total == 99_900 and receipt.payments_total == 99_900 and len(receipt.payments) == 999
    assert receipt.closing_balance == 0
