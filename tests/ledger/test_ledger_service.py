"""The ledger service: balanced, idempotent, immutable; balances equal postings."""

import pytest
from sqlalchemy import select

from core.accounts.service import open_account
from core.db import session, tenant_scope
from core.ledger import service as ledger
from core.ledger.models import ImmutablePostingError, Posting


@pytest.fixture
def scope(app, make_tenant):
    tenant = make_tenant("isp")
    with app.app_context(), tenant_scope(tenant.id):
        yield tenant


def _charge(account, amount, key):
    return ledger.transfer(
        key,
        "charge",
        account.ledger_account,
        ledger.revenue_account("internet"),
        amount,
        service="internet",
        period="2026-11",
    )


def test_payment_and_charge_move_the_balance_and_sum_to_zero(scope):
    account = open_account("100 200", holder_name="Иванов")
    ledger.transfer("pay-1", "payment", ledger.clearing_account("paykeeper"), account.ledger_account, 50_000)
    _charge(account, 1_234, "charge:1")
    session.commit()
    assert ledger.balance(account.ledger_account) == 48_766
    assert ledger.check() == []


def test_replaying_a_key_returns_the_original_and_posts_nothing(scope):
    account = open_account("1")
    first = _charge(account, 500, "charge:1:internet:2026-11-01")
    again = _charge(account, 500, "charge:1:internet:2026-11-01")
    session.commit()
    assert again.id == first.id
    assert ledger.balance(account.ledger_account) == -500
    with pytest.raises(ledger.IdempotencyConflict):
        _charge(account, 501, "charge:1:internet:2026-11-01")


def test_unbalanced_or_fractional_transactions_are_refused(scope):
    account = open_account("1")
    with pytest.raises(ledger.LedgerError, match="sum"):
        ledger.post(
            ledger.TransactionSpec(
                "k", "x", (ledger.Entry(account.ledger_account_id, 10), ledger.Entry(ledger.suspense_account().id, -9))
            )
        )
    with pytest.raises(ledger.LedgerError, match="integer"):
        ledger.post(
            ledger.TransactionSpec(
                "k",
                "x",
                (ledger.Entry(account.ledger_account_id, 10.5), ledger.Entry(ledger.suspense_account().id, -10.5)),
            )
        )


def test_postings_are_immutable_and_reversal_restores_the_balance(scope):
    account = open_account("1")
    txn = _charge(account, 700, "c1")
    session.commit()
    posting = session.scalars(select(Posting)).first()
    posting.amount = 1
    with pytest.raises(ImmutablePostingError):
        session.flush()
    session.rollback()
    reversal = ledger.reverse(txn, "wrong tariff")
    assert ledger.reverse(txn, "wrong tariff").id == reversal.id
    session.commit()
    assert ledger.balance(account.ledger_account) == 0
    assert reversal.reverses_id == txn.id
    assert ledger.check() == []
