"""Hypothesis drives the ledger with charges, payments, duplicate notifications, reversals and promised
credit; after every step: transactions sum to zero, balances equal postings, one transaction per key."""

import itertools

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from core.accounts.service import open_account
from core.db import session, tenant_scope
from core.ledger import service as ledger
from core.ledger.models import LedgerTransaction

amounts = st.integers(min_value=1, max_value=5_000_000)
counter = itertools.count()


def test_ledger_invariants_hold_after_every_step(app, make_tenant):
    class LedgerMachine(RuleBasedStateMachine):
        accounts = Bundle("accounts")
        transactions = Bundle("transactions")

        def __init__(self):
            super().__init__()
            self.tenant = make_tenant(f"t{next(counter)}")
            self.ctx = app.app_context()
            self.ctx.push()
            self.scope = tenant_scope(self.tenant.id)
            self.scope.__enter__()
            self.expected: dict[int, int] = {}
            self.keys: set[str] = set()
            self.reversed: set[int] = set()

        def teardown(self):
            session.rollback()
            self.scope.__exit__(None, None, None)
            self.ctx.pop()

        @rule(target=accounts)
        def open(self):
            account = open_account(f"A{next(counter)}")
            self.expected[account.ledger_account_id] = 0
            return account

        def _transfer(self, key, kind, source, target, amount):
            txn = ledger.transfer(key, kind, source, target, amount)
            if key not in self.keys:
                self.keys.add(key)
                if source.id in self.expected:
                    self.expected[source.id] -= amount
                if target.id in self.expected:
                    self.expected[target.id] += amount
            return txn

        @rule(target=transactions, account=accounts, amount=amounts)
        def charge(self, account, amount):
            return self._transfer(
                f"charge-{next(counter)}", "charge", account.ledger_account, ledger.revenue_account("internet"), amount
            )

        @rule(target=transactions, account=accounts, amount=amounts)
        def payment(self, account, amount):
            return self._transfer(
                f"paykeeper:{next(counter)}",
                "payment",
                ledger.clearing_account("paykeeper"),
                account.ledger_account,
                amount,
            )

        @rule(txn=transactions)
        def duplicate_notification(self, txn):
            if txn.kind != "payment":
                return
            [credit] = [p for p in txn.postings if p.amount > 0]
            [debit] = [p for p in txn.postings if p.amount < 0]
            again = ledger.post(
                ledger.TransactionSpec(
                    txn.idempotency_key,
                    txn.kind,
                    (
                        ledger.Entry(credit.ledger_account_id, credit.amount),
                        ledger.Entry(debit.ledger_account_id, debit.amount),
                    ),
                )
            )
            assert again.id == txn.id

        @rule(target=transactions, account=accounts, amount=amounts)
        def promised_credit(self, account, amount):
            return self._transfer(
                f"promise-{next(counter)}", "promised", ledger.credit_account(), account.ledger_account, amount
            )

        @rule(txn=transactions)
        def reverse(self, txn):
            if txn.reverses_id is not None:
                return
            reversal = ledger.reverse(txn, "test")
            if txn.id not in self.reversed:
                self.reversed.add(txn.id)
                self.keys.add(reversal.idempotency_key)
                for posting in txn.postings:
                    if posting.ledger_account_id in self.expected:
                        self.expected[posting.ledger_account_id] -= posting.amount

        @invariant()
        def books_balance(self):
            session.flush()
            assert ledger.check() == []

        @invariant()
        def balances_match_the_model(self):
            for account_id, expected in self.expected.items():
                assert ledger.balance(type("A", (), {"id": account_id})) == expected

        @invariant()
        def one_transaction_per_key(self):
            rows = session.scalar(select(func.count()).select_from(LedgerTransaction))
            distinct = session.scalar(select(func.count(func.distinct(LedgerTransaction.idempotency_key))))
            assert rows == distinct == len(self.keys)

    run_state_machine_as_test(LedgerMachine, settings=settings(max_examples=25, stateful_step_count=25, deadline=None))
