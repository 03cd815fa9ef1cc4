"""``post_transfers``: the charge run's bulk API keeps post_batch's idempotency and conflict rules."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from core.accounts.service import open_account
from core.db import session, tenant_scope
from core.ledger import service as ledger
from core.ledger.models import LedgerTransaction, Posting

WHEN = datetime(2026, 2, 1, tzinfo=UTC)


@pytest.fixture
def scope(app, make_tenant):
    tenant = make_tenant("isp")
    with app.app_context(), tenant_scope(tenant.id):
        yield tenant


def _charge(account_id, revenue_id, amount=500, key=None, **extra):
    return ledger.Transfer(
        key or f"charge:{account_id}:internet:2026-02-01",
        "charge",
        account_id,
        revenue_id,
        amount,
        "internet",
        "2026-02",
        WHEN,
        "Internet, 1 February",
        **extra,
    )


def _count(model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_transfers_post_balances_and_replays_are_duplicates(scope):
    accounts = [open_account(str(n)) for n in range(1, 6)]
    revenue = ledger.revenue_account("internet")
    transfers = [_charge(a.ledger_account_id, revenue.id, 100 * n) for n, a in enumerate(accounts, 1)]
    first = ledger.post_transfers([*transfers, transfers[0]])  # a key repeated in one call
    session.commit()
    assert set(first.ids) == {t.key for t in transfers} and first.duplicates == {transfers[0].key}
    assert [ledger.balance(a.ledger_account) for a in accounts] == [-100, -200, -300, -400, -500]
    assert ledger.balance(revenue) == 1500
    again = ledger.post_transfers(transfers)
    assert again.posted == 0 and again.duplicates == {t.key for t in transfers}
    assert again.ids == first.ids
    assert (_count(LedgerTransaction), _count(Posting)) == (5, 10)
    assert ledger.check() == []
    txn = session.get(LedgerTransaction, first.ids[transfers[2].key])
    assert (txn.kind, txn.memo, txn.occurred_at, txn.meta) == ("charge", "Internet, 1 February", WHEN, {})
    assert sorted((p.ledger_account_id, p.amount, p.service, p.period) for p in txn.postings) == sorted(
        [(accounts[2].ledger_account_id, -300, "internet", "2026-02"), (revenue.id, 300, "internet", "2026-02")]
    )


def test_a_transfer_is_the_same_transaction_as_its_spec(scope):
    account = open_account("1")
    revenue = ledger.revenue_account("internet")
    spec_txn = ledger.transfer(
        "charge:x",
        "charge",
        account.ledger_account,
        revenue,
        700,
        service="internet",
        period="2026-02",
        occurred_at=WHEN,
    )
    result = ledger.post_transfers([_charge(account.ledger_account_id, revenue.id, 700, "charge:x")])
    assert result.duplicates == {"charge:x"} and result.ids["charge:x"] == spec_txn.id
    posted = ledger.post_transfers([_charge(account.ledger_account_id, revenue.id, 800, "charge:y", meta={"a": 1})])
    assert (
        ledger.post(
            ledger.TransactionSpec(
                "charge:y",
                "charge",
                (
                    ledger.Entry(revenue.id, 800, "internet", "2026-02"),
                    ledger.Entry(account.ledger_account_id, -800, "internet", "2026-02"),
                ),
            )
        ).id
        == posted.ids["charge:y"]
    )
    assert session.get(LedgerTransaction, posted.ids["charge:y"]).meta == {"a": 1}
    assert ledger.balance(account.ledger_account) == -1500


def test_a_key_with_other_postings_is_a_conflict_and_bad_amounts_are_refused(scope):
    account = open_account("1")
    revenue = ledger.revenue_account("internet")
    ledger.post_transfers([_charge(account.ledger_account_id, revenue.id, 500)])
    session.commit()
    other = open_account("2")
    with pytest.raises(ledger.IdempotencyConflict):
        ledger.post_transfers(
            [_charge(other.ledger_account_id, revenue.id, 500), _charge(account.ledger_account_id, revenue.id, 501)]
        )
    session.rollback()
    with pytest.raises(ledger.IdempotencyConflict):
        ledger.post_transfers(
            [_charge(other.ledger_account_id, revenue.id, 1, "k"), _charge(other.ledger_account_id, revenue.id, 2, "k")]
        )
    session.rollback()
    for amount in (0, -5, 1.5, True):
        with pytest.raises(ledger.LedgerError):
            ledger.post_transfers([_charge(other.ledger_account_id, revenue.id, amount, "bad")])
    with pytest.raises(ledger.LedgerError):
        ledger.post_transfers([_charge(other.ledger_account_id, revenue.id, 5, "k" * 201)])
    session.rollback()
    assert ledger.balance(account.ledger_account) == -500
    assert ledger.balance(other.ledger_account) == 0
    assert (_count(LedgerTransaction), ledger.check()) == (1, [])


def test_more_than_one_batch_and_odd_text_round_trip(scope, monkeypatch):
    monkeypatch.setattr(ledger, "BATCH_SIZE", 3)
    accounts = [open_account(str(n)) for n in range(1, 9)]
    revenue = ledger.revenue_account("internet")
    memo = 'quotes " and \\ backslash, {braces}, NULL'
    transfers = [
        ledger.Transfer(f'k"{n}\\', "charge", a.ledger_account_id, revenue.id, 10 + n, None, None, None, memo)
        for n, a in enumerate(accounts)
    ]
    result = ledger.post_transfers(transfers)
    session.commit()
    assert result.posted == 8 and set(result.ids) == {t.key for t in transfers}
    assert ledger.balance(revenue) == sum(10 + n for n in range(8))
    txn = session.get(LedgerTransaction, result.ids[transfers[5].key])
    assert (txn.idempotency_key, txn.memo) == (transfers[5].key, memo)
    assert {p.service for p in txn.postings} == {None}
    assert ledger.check() == []


def test_a_posting_to_another_tenants_account_is_refused_and_nothing_moves(app, make_tenant):
    home, other = make_tenant("home-ledger"), make_tenant("other-ledger")
    with app.app_context():
        with tenant_scope(other.id):
            stranger_id = open_account("900").ledger_account.id
            session.commit()
        with tenant_scope(home.id):
            revenue_id = ledger.revenue_account("internet").id
            own_id = open_account("100").ledger_account.id
            session.commit()
            for batch in (
                [_charge(stranger_id, revenue_id)],
                [_charge(own_id, revenue_id), _charge(stranger_id, revenue_id, key="second")],
            ):
                with pytest.raises(ledger.LedgerError, match="not this tenant"):
                    ledger.post_transfers(batch)
                session.rollback()
            assert _count(Posting) == 0
            assert session.get(ledger.LedgerAccount, own_id).balance == 0
        with tenant_scope(other.id):
            assert session.get(ledger.LedgerAccount, stranger_id).balance == 0
