"""Asking whether a key was posted, without posting; ``transfer`` takes accounts or their ids like ``Transfer``."""

import pytest

from core.accounts.service import open_account
from core.api import Transfer, ledger
from core.db import session, tenant_scope


@pytest.fixture
def scope(app, make_tenant):
    tenant = make_tenant("isp")
    with app.app_context(), tenant_scope(tenant.id):
        yield tenant


def test_posted_answers_without_posting_anything(scope):
    account = open_account("100")
    revenue = ledger.revenue_account("guard")
    assert ledger.posted("fee:1:2026-12") is None
    assert ledger.posted_keys(["fee:1:2026-12", "fee:2:2026-12"]) == set()
    assert ledger.balance(account.ledger_account) == 0  # the dry run moved no money
    txn = ledger.transfer("fee:1:2026-12", "charge", account.ledger_account, revenue, 50_000)
    session.commit()
    assert ledger.posted("fee:1:2026-12").id == txn.id
    assert ledger.posted_keys(["fee:1:2026-12", "fee:2:2026-12", "fee:1:2026-12"]) == {"fee:1:2026-12"}


def test_posted_sees_only_the_current_tenants_keys(app, make_tenant):
    first, second = make_tenant("first"), make_tenant("second")
    with app.app_context():
        with tenant_scope(first.id):
            account = open_account("1")
            ledger.transfer("fee:x", "charge", account.ledger_account, ledger.revenue_account("guard"), 100)
            session.commit()
        with tenant_scope(second.id):
            assert ledger.posted("fee:x") is None
            assert ledger.posted_keys(["fee:x"]) == set()


def test_transfer_takes_account_ids_like_the_bulk_transfer(scope):
    account = open_account("100")
    revenue = ledger.revenue_account("guard")
    by_id = ledger.transfer("fee:ids", "charge", account.ledger_account.id, revenue.id, 700)
    session.commit()
    assert ledger.balance(account.ledger_account) == -700
    # the same key through the bulk form with ids is the same transaction: a duplicate, not a conflict
    result = ledger.post_transfers([Transfer("fee:ids", "charge", account.ledger_account.id, revenue.id, 700)])
    assert result.duplicates == frozenset({"fee:ids"})
    assert result.ids["fee:ids"] == by_id.id
    assert ledger.balance(account.ledger_account) == -700
