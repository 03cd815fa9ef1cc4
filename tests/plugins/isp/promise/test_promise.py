"""Promised payment: the credit restores services at once, ends on time, and a payment closes it early.

Moments are explicit: :data:`T0` is the 5th of a month about three months back (noon UTC), and the
contracts are opened long before it, so no test depends on today's date.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.api import ledger, session, tenant_scope
from core.jobs.registry import run_job
from core.notify.models import Notification
from core.payments.service import correction, manual_payment
from core.tenants.models import Tenant
from plugins.isp.common.refusals import Refused
from plugins.isp.models import ACTIVE, EXPIRED, REPAID, Contract, Promise
from plugins.isp.promise import service as promises
from tests.plugins.isp.conftest import as_utc

MONTH_START = (date.today() - timedelta(days=70)).replace(day=1)
T0 = as_utc(MONTH_START + timedelta(days=4))  # the 5th, noon UTC (17:00 in Yekaterinburg)
OLD = 400  # contracts opened this many days ago: old enough for any age rule
INET100 = 50000  # the monthly fee of inet100, the default promise amount (cap 1000 ₽)


@contextmanager
def books(app, tenant, made):
    """The tenant (loaded) and the contract of ``made`` in a request context; commit yourself."""
    with app.test_request_context(), tenant_scope(tenant.id):
        yield session.get(Tenant, tenant.id), session.get(Contract, made.id)


def indebted(isp_tenant, catalog, make_contract, settings=None, balance=-20000, **contract):
    """A tenant with the catalogue and one blocked contract in debt (opened long ago)."""
    tenant = isp_tenant(settings=settings)
    catalog(tenant)
    contract.setdefault("opened_days_ago", OLD)
    made = make_contract(tenant, "700100", balance=balance, blocked=balance < 0, **contract)
    return tenant, made


def due_run(app, tenant, now) -> dict[str, int]:
    """Run the promised-payment job as the scheduler does, at ``now``; returns what it did for ``tenant``."""
    return run_job(app, "isp.promises.expire", now=now, tenant=tenant.slug)[tenant.slug]


def granted(app, tenant, made, now=T0) -> int:
    """Grant a promise at ``now`` and commit; returns its id."""
    with books(app, tenant, made) as (t, contract):
        promise = promises.grant(t, contract, None, now)
        session.commit()
        return promise.id


def state(app, tenant, made, promise_id=None):
    """(balance, blocked, promise or None) as the database has them now."""
    with app.app_context(), tenant_scope(tenant.id):
        contract = session.get(Contract, made.id)
        promise = session.get(Promise, promise_id) if promise_id else None
        if promise is not None:
            session.expunge(promise)
        return contract.account.balance, contract.is_blocked, promise


def ledger_problems(app, tenant):
    with app.app_context(), tenant_scope(tenant.id):
        return ledger.check()


def pay(app, tenant, made, amount, key):
    """A cash payment at the office: posted, and the plugins told (``on_payment_posted``)."""
    with books(app, tenant, made) as (_t, contract):
        manual_payment(contract.account, amount, "cash", key)
        session.commit()


def notices(app, tenant, made):
    with app.app_context(), tenant_scope(tenant.id):
        rows = session.scalars(
            select(Notification).where(Notification.user_id == made.user_id, Notification.kind == "isp_promise")
        )
        return [(n.title, n.body, n.dedupe_key) for n in rows]


def test_a_promise_unblocks_at_once_and_credits_the_monthly_fee(app, isp_tenant, catalog, make_contract):
    tenant, made = indebted(isp_tenant, catalog, make_contract)
    with books(app, tenant, made) as (t, contract):
        offer = promises.quote(t, contract, T0)
        assert offer.ok and offer.amount == INET100 and offer.fee == 0
        assert offer.balance_after == -20000 + INET100
        assert offer.until == T0 + timedelta(days=3)
    promise_id = granted(app, tenant, made)

    balance, blocked, promise = state(app, tenant, made, promise_id)
    assert (balance, blocked) == (30000, False)
    assert promise.status == ACTIVE and promise.due_at == T0 + timedelta(days=3)
    assert ledger_problems(app, tenant) == []
    [(title, _body, _key)] = notices(app, tenant, made)
    assert "500" in title and "Promised payment" in title


def test_the_fee_is_a_separate_charge_to_its_own_revenue(app, isp_tenant, catalog, make_contract):
    tenant, made = indebted(isp_tenant, catalog, make_contract, settings={"promise_fee": 3000})
    promise_id = granted(app, tenant, made)
    balance, blocked, promise = state(app, tenant, made, promise_id)
    assert (balance, blocked, promise.fee) == (-20000 + INET100 - 3000, False, 3000)
    with app.app_context(), tenant_scope(tenant.id):
        assert ledger.revenue_account("promise_fee").balance == 3000
        assert ledger.credit_account().balance == -INET100
        assert ledger.check() == []


def test_a_fixed_amount_and_a_capped_monthly_fee(app, isp_tenant, catalog, make_contract):
    tenant, made = indebted(isp_tenant, catalog, make_contract, settings={"promise_amount": 40000}, balance=-30000)
    with books(app, tenant, made) as (t, contract):
        assert promises.quote(t, contract, T0).amount == 40000  # inet100 costs 500 ₽, the cap is 400 ₽
    other = isp_tenant("fixed-site", {"promise_amount_kind": "fixed", "promise_amount": 70000})
    catalog(other)
    made2 = make_contract(other, "800100", balance=-30000, blocked=True, opened_days_ago=OLD)
    with books(app, other, made2) as (t, contract):
        assert promises.quote(t, contract, T0).amount == 70000


def test_a_second_promise_while_one_is_active_is_refused(app, isp_tenant, catalog, make_contract):
    tenant, made = indebted(isp_tenant, catalog, make_contract, settings={"promise_frequency": "days"})
    granted(app, tenant, made)
    with books(app, tenant, made) as (t, contract), pytest.raises(Refused) as refused:
        promises.grant(t, contract, None, T0 + timedelta(minutes=1))
    assert [r.code for r in refused.value.reasons] == ["already_active"]


def test_an_unpaid_promise_ends_on_time_and_services_block_again(app, isp_tenant, catalog, make_contract):
    tenant, made = indebted(isp_tenant, catalog, make_contract)
    promise_id = granted(app, tenant, made)
    due = T0 + timedelta(days=3)

    with app.app_context():
        assert due_run(app, tenant, due - timedelta(minutes=1))["expired"] == 0
    assert state(app, tenant, made, promise_id)[2].status == ACTIVE

    with app.app_context():
        assert due_run(app, tenant, due)["expired"] == 1
    balance, blocked, promise = state(app, tenant, made, promise_id)
    assert (balance, blocked) == (-20000, True)
    assert (promise.status, promise.repaid, promise.active_slot) == (EXPIRED, False, None)
    with app.app_context():
        assert due_run(app, tenant, due + timedelta(hours=1))["expired"] == 0  # a second run changes nothing
    assert state(app, tenant, made)[0] == -20000
    assert ledger_problems(app, tenant) == []


def test_a_promise_covered_by_the_balance_ends_without_blocking(app, isp_tenant, catalog, make_contract):
    tenant, made = indebted(isp_tenant, catalog, make_contract)
    promise_id = granted(app, tenant, made)
    with books(app, tenant, made) as (_t, contract):
        # Money that is not a payment (an operator's correction) does not close the promise early.
        correction(contract.account, 25000, "compensation for an outage", "c1")
        session.commit()
    assert state(app, tenant, made, promise_id)[2].status == ACTIVE

    with app.app_context():
        due_run(app, tenant, T0 + timedelta(days=3))
    balance, blocked, promise = state(app, tenant, made, promise_id)
    assert (balance, blocked) == (5000, False)
    assert (promise.status, promise.repaid) == (EXPIRED, True)


def test_a_payment_during_the_promise_closes_it_early_as_repaid(app, isp_tenant, catalog, make_contract):
    tenant, made = indebted(isp_tenant, catalog, make_contract)
    promise_id = granted(app, tenant, made)

    pay(app, tenant, made, 10000, "p1")  # not enough to cover the credit: the promise runs on
    assert state(app, tenant, made, promise_id)[2].status == ACTIVE

    pay(app, tenant, made, 15000, "p2")  # -20000 + 25000 = 5000 of own money: covers it
    balance, blocked, promise = state(app, tenant, made, promise_id)
    assert (balance, blocked) == (5000, False)
    assert (promise.status, promise.repaid, promise.active_slot) == (REPAID, True, None)
    with app.app_context():
        assert due_run(app, tenant, T0 + timedelta(days=3))["expired"] == 0
    assert state(app, tenant, made)[0] == 5000
    assert ledger_problems(app, tenant) == []


def test_paying_the_debt_later_marks_an_unpaid_promise_repaid(app, isp_tenant, catalog, make_contract):
    tenant, made = indebted(isp_tenant, catalog, make_contract, settings={"promise_frequency": "days"})
    promise_id = granted(app, tenant, made)
    with app.app_context():
        due_run(app, tenant, T0 + timedelta(days=3))
    with books(app, tenant, made) as (t, contract):
        assert "not_repaid" in promises.quote(t, contract, T0 + timedelta(days=40)).codes

    pay(app, tenant, made, 20000, "late")
    balance, blocked, promise = state(app, tenant, made, promise_id)
    assert (balance, blocked, promise.status, promise.repaid) == (0, False, EXPIRED, True)


def charge(app, tenant, made, amount, key):
    """A charge straight to the ledger (the balance drops; services are not re-checked)."""
    with books(app, tenant, made) as (_t, contract):
        ledger.transfer(key, "charge", contract.account.ledger_account, ledger.revenue_account("internet"), amount)
        session.commit()


def test_once_per_calendar_month(app, isp_tenant, catalog, make_contract):
    tenant, made = indebted(isp_tenant, catalog, make_contract)
    granted(app, tenant, made)
    pay(app, tenant, made, 20000, "p1")  # covers the credit: closed early, balance 0
    charge(app, tenant, made, 10000, "debt-again")
    first_of_next = (MONTH_START + timedelta(days=32)).replace(day=1)
    with books(app, tenant, made) as (t, contract):
        assert promises.quote(t, contract, T0 + timedelta(days=10)).codes == ["too_often"]
        assert promises.quote(t, contract, as_utc(first_of_next, 1)).ok  # 06:00 on the 1st in Yekaterinburg
        assert "too_often" in promises.quote(t, contract, as_utc(first_of_next, 1) - timedelta(hours=7)).codes


def test_once_per_n_days_and_only_after_the_last_is_repaid(app, isp_tenant, catalog, make_contract):
    settings = {"promise_frequency": "days", "promise_frequency_days": 14}
    tenant, made = indebted(isp_tenant, catalog, make_contract, settings=settings)
    granted(app, tenant, made)
    with app.app_context():
        due_run(app, tenant, T0 + timedelta(days=3))  # ends unpaid: balance -200 ₽ again
    pay(app, tenant, made, 5000, "p1")  # still in debt: the promise stays unpaid
    with books(app, tenant, made) as (t, contract):
        assert promises.quote(t, contract, T0 + timedelta(days=13)).codes == ["not_repaid", "too_often"]
    pay(app, tenant, made, 15000, "p2")  # balance 0: repaid at last
    charge(app, tenant, made, 10000, "debt-again")
    with books(app, tenant, made) as (t, contract):
        assert promises.quote(t, contract, T0 + timedelta(days=13)).codes == ["too_often"]
        assert promises.quote(t, contract, T0 + timedelta(days=14)).ok


def test_a_reminder_the_day_before_it_ends_once(app, isp_tenant, catalog, make_contract):
    tenant, made = indebted(isp_tenant, catalog, make_contract)
    granted(app, tenant, made)
    due = T0 + timedelta(days=3)
    with app.app_context():
        assert due_run(app, tenant, due - timedelta(days=2))["reminded"] == 0
        assert due_run(app, tenant, due - timedelta(hours=20))["reminded"] == 1
        due_run(app, tenant, due - timedelta(hours=10))
    reminders = [n for n in notices(app, tenant, made) if n[2].endswith(":reminder")]
    assert len(reminders) == 1
    title, body, _key = reminders[0]
    assert "ends on" in title and "200" in body  # 500 ₽ taken back from 300 ₽: top up by 200 ₽


def test_the_job_is_registered(app):
    assert "isp.promises.expire" in app.extensions["abonent.jobs"]
