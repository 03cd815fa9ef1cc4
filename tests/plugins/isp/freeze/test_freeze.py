"""The voluntary block's rules: every refusal, scheduled start by the job, self-unfreeze, fee, cooldown."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.api import Refused, ledger, session, tenant_scope
from core.jobs.registry import run_job
from core.notify.models import Notification
from core.tenants.models import Tenant
from plugins.isp.contracts.state import S_ACTIVE, S_FROZEN, freeze_on, service_states
from plugins.isp.freeze import quote as freeze_quote
from plugins.isp.freeze import service as freezes
from plugins.isp.models import ACTIVE, CANCELLED, FINISHED, SCHEDULED, Contract, Freeze
from tests.plugins.isp.conftest import as_utc

TODAY = date.today()


@contextmanager
def scoped(app, tenant, made):
    """An app context in the tenant with the tenant and the contract loaded."""
    with app.app_context(), tenant_scope(tenant.id):
        yield session.get(Tenant, tenant.id), session.get(Contract, made.id)


def codes(tenant, contract, first, last, today=TODAY, **kw):
    return [r.code for r in freezes.quote(tenant, contract, first, last, today, **kw).reasons]


def add_freeze(contract, first, last, status=FINISHED):
    open_slot = contract.id if status in (SCHEDULED, ACTIVE) else None
    row = Freeze(contract_id=contract.id, starts_on=first, ends_on=last, status=status, open_slot=open_slot)
    session.add(row)
    session.commit()
    return row


@pytest.fixture
def world(isp_tenant, catalog, make_contract):
    """``world(settings=None, **contract)`` → (tenant, made contract) with inet100 + tvbase and 1000 ₽."""

    def factory(settings=None, **contract):
        tenant = isp_tenant(settings=settings)
        catalog(tenant)
        contract.setdefault("products", ("inet100", "tvbase"))
        contract.setdefault("balance", 100000)
        return tenant, make_contract(tenant, "800100", **contract)

    return factory


def test_a_valid_period_is_quoted_with_days_services_and_what_is_not_charged(app, world):
    tenant, made = world({"freeze_fee_kind": "once", "freeze_fee": 5000})
    with scoped(app, tenant, made) as (t, contract):
        q = freezes.quote(t, contract, TODAY + timedelta(days=2), TODAY + timedelta(days=11), TODAY)
        assert q.ok and q.days == 10
        assert (q.fee_kind, q.fee, q.fee_total, q.fee_charged_on) == ("once", 5000, 5000, TODAY + timedelta(days=2))
        assert sorted(s.product.code for s in q.services) == ["inet100", "kids", "tvbase"]
        assert q.services_cost > 0


def test_daily_fee_is_quoted_per_day_and_kept_on_the_row_for_the_charge_run(app, world):
    tenant, made = world({"freeze_fee_kind": "daily", "freeze_fee": 300})
    with scoped(app, tenant, made) as (t, contract):
        q = freezes.quote(t, contract, TODAY, TODAY + timedelta(days=9), TODAY)
        assert (q.fee_total, q.fee_charged_on) == (3000, None)
        row = freezes.start(t, contract, None, TODAY, TODAY + timedelta(days=9), TODAY, now=as_utc(TODAY))
        session.commit()
        assert (row.fee_kind, row.fee) == ("daily", 300)
        assert contract.account.balance == 100000  # nothing posted up front


@pytest.mark.parametrize(
    ("settings", "contract_kw", "first", "last", "code"),
    [
        ({"freeze_enabled": False}, {}, 0, 9, freezes.DISABLED),
        ({}, {"holder_kind": "legal", "products": ("biz100",)}, 0, 9, freezes.LEGAL_ENTITY),
        ({"freeze_min_balance": -100000}, {"balance": -5000, "blocked": True}, 0, 9, freezes.BLOCKED_FOR_DEBT),
        ({}, {}, -1, 9, freezes.START_IN_PAST),
        ({"freeze_max_start_ahead_days": 5}, {}, 6, 15, freezes.START_TOO_FAR),
        ({}, {}, 5, 4, freezes.END_BEFORE_START),
        ({"freeze_min_days": 7}, {}, 0, 5, freezes.TOO_SHORT),
        ({"freeze_max_days": 30}, {}, 0, 30, freezes.TOO_LONG),
        ({"freeze_min_balance": 200000}, {}, 0, 9, freezes.LOW_BALANCE),
        ({}, {"products": ()}, 0, 9, freezes.NO_SERVICES),
    ],
)
def test_each_start_refusal(app, world, settings, contract_kw, first, last, code):
    tenant, made = world(settings, **contract_kw)
    with scoped(app, tenant, made) as (t, contract):
        first_day, last_day = TODAY + timedelta(days=first), TODAY + timedelta(days=last)
        assert codes(t, contract, first_day, last_day) == [code]
        with pytest.raises(Refused) as refused:
            freezes.start(t, contract, None, first_day, last_day, TODAY)
        assert [r.code for r in refused.value.reasons] == [code]
        assert str(refused.value.reasons[0].message)
        session.rollback()
        assert session.scalars(select(Freeze)).all() == []


def test_exact_min_and_max_days_are_allowed(app, world):
    tenant, made = world({"freeze_min_days": 7, "freeze_max_days": 30})
    with scoped(app, tenant, made) as (t, contract):
        assert codes(t, contract, TODAY, TODAY + timedelta(days=6)) == []
        assert codes(t, contract, TODAY, TODAY + timedelta(days=29)) == []


def test_one_open_block_at_a_time(app, world):
    tenant, made = world()
    with scoped(app, tenant, made) as (t, contract):
        freezes.start(t, contract, None, TODAY + timedelta(days=3), TODAY + timedelta(days=12), TODAY)
        session.commit()
        assert codes(t, contract, TODAY + timedelta(days=20), TODAY + timedelta(days=29)) == [freezes.ALREADY_FROZEN]
        # Even staff cannot open a second one.
        with pytest.raises(Refused) as refused:
            freezes.start(
                t, contract, None, TODAY + timedelta(days=20), TODAY + timedelta(days=29), TODAY, by_staff=True
            )
        assert refused.value.reasons[0].code == freezes.ALREADY_FROZEN


def test_the_open_slot_stops_a_second_block_that_slipped_past_the_check(app, world, monkeypatch):
    tenant, made = world()
    with scoped(app, tenant, made) as (t, contract):
        add_freeze(contract, TODAY + timedelta(days=3), TODAY + timedelta(days=12), status=SCHEDULED)
        # As if a concurrent request had checked before the first one was saved.
        monkeypatch.setattr(freeze_quote, "open_freeze", lambda c: None)
        with pytest.raises(Refused) as refused:
            freezes.start(t, contract, None, TODAY + timedelta(days=20), TODAY + timedelta(days=29), TODAY)
        assert refused.value.reasons[0].code == freezes.ALREADY_FROZEN
        session.rollback()
        assert len(session.scalars(select(Freeze)).all()) == 1


def test_cooldown_counts_from_the_end_of_the_last_block(app, world):
    tenant, made = world({"freeze_cooldown_days": 30})
    with scoped(app, tenant, made) as (t, contract):
        add_freeze(contract, TODAY - timedelta(days=20), TODAY - timedelta(days=5))
        next_possible = TODAY - timedelta(days=5) + timedelta(days=31)
        assert freezes.earliest_start(t, contract, TODAY) == next_possible
        assert codes(t, contract, next_possible - timedelta(days=1), next_possible + timedelta(days=9)) == [
            freezes.COOLDOWN
        ]
        assert codes(t, contract, next_possible, next_possible + timedelta(days=9)) == []


def test_a_cancelled_block_does_not_start_the_cooldown(app, world):
    tenant, made = world({"freeze_cooldown_days": 30})
    with scoped(app, tenant, made) as (t, contract):
        add_freeze(contract, TODAY - timedelta(days=20), TODAY - timedelta(days=5), status=CANCELLED)
        assert codes(t, contract, TODAY, TODAY + timedelta(days=9)) == []


def test_staff_bypass_subscriber_limits_but_not_the_calendar(app, world):
    settings = {"freeze_enabled": False, "freeze_cooldown_days": 30, "freeze_min_balance": 500000}
    tenant, made = world(settings, balance=-5000, blocked=True)
    with scoped(app, tenant, made) as (t, contract):
        add_freeze(contract, TODAY - timedelta(days=10), TODAY - timedelta(days=2))
        assert codes(t, contract, TODAY, TODAY + timedelta(days=1), by_staff=True) == []
        assert codes(t, contract, TODAY - timedelta(days=1), TODAY + timedelta(days=1), by_staff=True) == [
            freezes.START_IN_PAST
        ]


def test_scheduled_start_is_activated_by_the_job_on_its_day_and_finished_after_it(app, world):
    tenant, made = world()
    first, last = TODAY + timedelta(days=3), TODAY + timedelta(days=9)
    with scoped(app, tenant, made) as (t, contract):
        row = freezes.start(t, contract, None, first, last, TODAY, now=as_utc(TODAY))
        session.commit()
        freeze_id = row.id
        assert row.status == SCHEDULED
        assert {s.status for s in service_states(contract, TODAY)} == {S_ACTIVE}

    run_job(app, "isp.freezes", as_utc(first - timedelta(days=1)))
    with scoped(app, tenant, made) as (t, contract):
        assert session.get(Freeze, freeze_id).status == SCHEDULED

    run_job(app, "isp.freezes", as_utc(first))
    with scoped(app, tenant, made) as (t, contract):
        assert session.get(Freeze, freeze_id).status == ACTIVE
        assert {s.status for s in service_states(contract, first)} == {S_FROZEN}
        titles = [n.title for n in session.scalars(select(Notification).where(Notification.kind == "isp_freeze"))]
        assert any("frozen until" in title for title in titles)

    run_job(app, "isp.freezes", as_utc(last))
    run_job(app, "isp.freezes", as_utc(last + timedelta(days=1)))
    run_job(app, "isp.freezes", as_utc(last + timedelta(days=1)))  # a second run changes nothing
    with scoped(app, tenant, made) as (t, contract):
        row = session.get(Freeze, freeze_id)
        assert (row.status, row.open_slot) == (FINISHED, None)
        assert {s.status for s in service_states(contract, last + timedelta(days=1))} == {S_ACTIVE}
        notices = session.scalars(select(Notification).where(Notification.kind == "isp_freeze")).all()
        assert sum("active again" in n.title for n in notices) == 1
        assert sum("frozen until" in n.title for n in notices) == 1


def test_the_job_uses_the_tenant_time_zone(app, world):
    tenant, made = world()  # Yekaterinburg, UTC+5
    first = TODAY + timedelta(days=3)
    with scoped(app, tenant, made) as (t, contract):
        row = freezes.start(t, contract, None, first, first + timedelta(days=9), TODAY, now=as_utc(TODAY))
        session.commit()
        freeze_id = row.id
    run_job(app, "isp.freezes", as_utc(first - timedelta(days=1), hour=20))  # 01:00 on ``first`` in Yekaterinburg
    with scoped(app, tenant, made):
        assert session.get(Freeze, freeze_id).status == ACTIVE


def test_a_block_starting_today_is_active_at_once(app, world):
    tenant, made = world()
    with scoped(app, tenant, made) as (t, contract):
        row = freezes.start(t, contract, None, TODAY, TODAY + timedelta(days=9), TODAY, now=as_utc(TODAY))
        session.commit()
        assert row.status == ACTIVE
        assert freeze_on(contract, TODAY) is not None


def test_one_time_fee_is_posted_once_on_the_first_day_and_the_ledger_balances(app, world):
    tenant, made = world({"freeze_fee_kind": "once", "freeze_fee": 5000})
    first = TODAY + timedelta(days=2)
    with scoped(app, tenant, made) as (t, contract):
        row = freezes.start(t, contract, None, first, first + timedelta(days=9), TODAY, now=as_utc(TODAY))
        session.commit()
        freeze_id = row.id
        assert contract.account.balance == 100000  # not yet: it is charged when the block starts
    for _ in range(3):
        run_job(app, "isp.freezes", as_utc(first))
    with scoped(app, tenant, made) as (t, contract):
        assert contract.account.balance == 100000 - 5000
        fee = ledger.revenue_account("freeze")
        assert ledger.balance(fee) == 5000
        assert ledger.check() == []
        row = session.get(Freeze, freeze_id)
        freezes.advance(t, row, as_utc(first))  # advancing again posts nothing new
        session.commit()
        assert contract.account.balance == 100000 - 5000


def test_a_cancelled_planned_block_costs_nothing(app, world):
    tenant, made = world({"freeze_fee_kind": "once", "freeze_fee": 5000})
    with scoped(app, tenant, made) as (t, contract):
        freezes.start(t, contract, None, TODAY + timedelta(days=2), TODAY + timedelta(days=11), TODAY)
        session.commit()
        row = freezes.end(t, contract, None, TODAY)
        session.commit()
        assert (row.status, row.open_slot) == (CANCELLED, None)
    run_job(app, "isp.freezes", as_utc(TODAY + timedelta(days=2)))
    with scoped(app, tenant, made) as (t, contract):
        assert contract.account.balance == 100000
        assert freeze_on(contract, TODAY + timedelta(days=2)) is None


def test_self_unfreeze_after_the_minimum_days(app, world):
    tenant, made = world({"freeze_unfreeze_min_days": 3})
    with scoped(app, tenant, made) as (t, contract):
        freezes.start(t, contract, None, TODAY, TODAY + timedelta(days=29), TODAY, now=as_utc(TODAY))
        session.commit()
        for day in (TODAY, TODAY + timedelta(days=2)):
            with pytest.raises(Refused) as refused:
                freezes.end(t, contract, None, day)
            assert refused.value.reasons[0].code == freezes.UNFREEZE_TOO_EARLY
            session.rollback()
        later = TODAY + timedelta(days=3)
        row = freezes.end(t, contract, None, later, now=as_utc(later))
        session.commit()
        assert (row.status, row.ended_on, row.open_slot) == (FINISHED, later - timedelta(days=1), None)
        assert {s.status for s in service_states(contract, later)} == {S_ACTIVE}
        assert freeze_on(contract, later - timedelta(days=1)) is not None


def test_self_unfreeze_can_be_switched_off_but_staff_still_can(app, world):
    tenant, made = world({"freeze_self_unfreeze": False, "freeze_unfreeze_min_days": 0})
    with scoped(app, tenant, made) as (t, contract):
        freezes.start(t, contract, None, TODAY, TODAY + timedelta(days=29), TODAY, now=as_utc(TODAY))
        session.commit()
        later = TODAY + timedelta(days=10)
        with pytest.raises(Refused) as refused:
            freezes.end(t, contract, None, later)
        assert refused.value.reasons[0].code == freezes.SELF_UNFREEZE_OFF
        session.rollback()
        assert freezes.end(t, contract, None, later, by_staff=True).status == FINISHED


def test_nothing_to_end(app, world):
    tenant, made = world()
    with scoped(app, tenant, made) as (t, contract), pytest.raises(Refused) as refused:
        freezes.end(t, contract, None, TODAY)
    assert refused.value.reasons[0].code == freezes.NOT_FROZEN


def test_an_early_end_starts_the_cooldown_from_the_real_last_day(app, world):
    tenant, made = world({"freeze_cooldown_days": 10, "freeze_unfreeze_min_days": 1})
    with scoped(app, tenant, made) as (t, contract):
        freezes.start(t, contract, None, TODAY, TODAY + timedelta(days=29), TODAY, now=as_utc(TODAY))
        session.commit()
        later = TODAY + timedelta(days=5)
        freezes.end(t, contract, None, later, now=as_utc(later))
        session.commit()
        assert freezes.earliest_start(t, contract, later) == later - timedelta(days=1) + timedelta(days=11)
