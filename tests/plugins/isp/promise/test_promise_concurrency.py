"""Twenty promised-payment requests for one account at the same moment grant exactly one.

PostgreSQL only (real row locks between concurrent transactions; SQLite runs writers one at a time).
Each thread has its own app context, so its own database session and transaction.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from core.api import Refused, ledger, session, tenant_scope
from core.tenants.models import Tenant
from core.testing.fixtures import tenant_path
from plugins.isp.models import Contract, Promise
from plugins.isp.promise import service as promises

THREADS = 20


@pytest.fixture
def postgres_only(abonent_database):
    if abonent_database.dialect != "postgresql":
        pytest.skip("real row-lock concurrency is PostgreSQL's (run with ABONENT_TEST_DATABASE_URL)")


def all_at_once(work) -> list:
    """Run ``work()`` in :data:`THREADS` threads released together; returns what each returned or raised."""
    results: list = [None] * THREADS
    start = threading.Barrier(THREADS)

    def run(index: int) -> None:
        try:
            start.wait(timeout=30)
            results[index] = work()
        except BaseException as error:  # reported by the caller's assertion
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def indebted(isp_tenant, catalog, make_contract):
    # Frequency "days" so that only the one-active-promise rule and the race decide.
    tenant = isp_tenant(settings={"promise_frequency": "days"}, locale="en")
    catalog(tenant)
    made = make_contract(tenant, "740100", balance=-20000, blocked=True, opened_days_ago=400)
    return tenant, made


def books(app, tenant, made):
    with app.app_context(), tenant_scope(tenant.id):
        contract = session.get(Contract, made.id)
        count = session.scalar(select(func.count(Promise.id)).where(Promise.contract_id == made.id))
        return count, contract.account.balance, contract.is_blocked, ledger.check()


def test_twenty_concurrent_grants_for_one_account_grant_one(postgres_only, app, isp_tenant, catalog, make_contract):
    tenant, made = indebted(isp_tenant, catalog, make_contract)

    def grant() -> str:
        with app.test_request_context(), tenant_scope(tenant.id):
            try:
                promises.grant(session.get(Tenant, tenant.id), session.get(Contract, made.id), None)
                session.commit()
                return "granted"
            except Refused as refused:
                session.rollback()
                return ",".join(r.code for r in refused.reasons)

    outcomes = all_at_once(grant)
    assert sorted(map(str, outcomes)) == ["already_active"] * (THREADS - 1) + ["granted"], outcomes
    assert books(app, tenant, made) == (1, 30000, False, [])


def test_twenty_concurrent_api_requests_grant_one(postgres_only, app, isp_tenant, catalog, make_contract, api_token):
    tenant, made = indebted(isp_tenant, catalog, make_contract)
    headers = {"Authorization": f"Bearer {api_token(tenant, made)}"}
    url = tenant_path(tenant, f"/api/v1/isp/accounts/{made.account_id}/promise")

    def post() -> int:
        return app.test_client().post(url, headers=headers).status_code

    outcomes = all_at_once(post)
    assert sorted(map(str, outcomes)) == ["201"] + ["409"] * (THREADS - 1), outcomes
    assert books(app, tenant, made) == (1, 30000, False, [])
