"""The isp plugin's one lock order — the contract row, then its ledger account row — holds for money core posts.

PostgreSQL only (real row locks). Another connection holds the contract's row; a posting to the
contract's account (a payment, a correction) must wait for that row before it takes the ledger row
(the ledger calls the ``lock_before_posting`` hook, which the isp plugin implements), so it stops on the
contract (``lock_timeout`` turns the wait into an error the test can see).
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from core.api import ledger, session, tenant_scope
from plugins.isp.models import Contract


@pytest.fixture
def postgres_only(abonent_database):
    if abonent_database.dialect != "postgresql":
        pytest.skip("row locks between transactions are PostgreSQL's (run with ABONENT_TEST_DATABASE_URL)")


def test_a_posting_to_a_contracts_account_waits_for_the_contract_row_first(
    postgres_only, app, abonent_database, isp_tenant, catalog, make_contract
):
    tenant = isp_tenant()
    catalog(tenant)
    made = make_contract(tenant, "740300", balance=0)
    owner = create_engine(abonent_database.owner_url)
    try:
        with owner.connect() as other:
            other.execute(text("SELECT id FROM isp_contracts WHERE id = :id FOR UPDATE"), {"id": made.id})
            with app.app_context(), tenant_scope(tenant.id):
                contract = session.get(Contract, made.id)
                personal = contract.account.ledger_account
                adjustment = ledger.system_account("adjustment", "adjustment", "Corrections")
                session.flush()
                session.execute(text("SET LOCAL lock_timeout = '300ms'"))
                with pytest.raises(OperationalError) as stopped:
                    ledger.transfer("lock-order", "correction", adjustment, personal, 100, memo="lock order")
                assert "isp_contracts" in str(stopped.value.statement)  # stopped on the contract, not the ledger
                session.rollback()
            other.rollback()
        with app.app_context(), tenant_scope(tenant.id):  # once the contract is free, the posting goes through
            contract = session.get(Contract, made.id)
            adjustment = ledger.system_account("adjustment", "adjustment", "Corrections")
            ledger.transfer("lock-order", "correction", adjustment, contract.account.ledger_account, 100, memo="x")
            session.commit()
            assert session.get(Contract, made.id).account.balance == 100
    finally:
        owner.dispose()
