"""Daily charging: a month's days add up to the fee, proration is exact, each day is charged once."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.api import ledger, session, tenant_scope
from core.jobs.registry import run_job
from core.ledger.models import LedgerAccount, LedgerTransaction, Posting
from plugins.isp.charging.service import charge_day, charge_until, first_uncharged_day
from plugins.isp.common import calendar
from plugins.isp.common.calendar import days, days_in_month
from plugins.isp.models import ACTIVE, ChargeRun, Contract, Freeze, Product, Subscription
from tests.plugins.isp.conftest import as_utc

FEB = date(2026, 2, 1)  # 28 days
MAR = date(2026, 3, 1)  # 31 days
BIG = 100_000_000  # a balance that never runs out in these tests


def charges(made) -> list[tuple[str, int, str, str, datetime]]:
    """The contract's charge postings: (key, amount, service, period, occurred_at), oldest first."""
    contract = session.get(Contract, made.id)
    rows = session.execute(
        select(LedgerTransaction.idempotency_key, Posting.amount, Posting.service, Posting.period, Posting.occurred_at)
        .join(LedgerTransaction, LedgerTransaction.id == Posting.transaction_id)
        .where(Posting.ledger_account_id == contract.account.ledger_account_id, Posting.kind == "charge")
        .order_by(Posting.occurred_at, Posting.id)
    ).all()
    return [tuple(row) for row in rows]


def charged_total(made) -> int:
    return -sum(row[1] for row in charges(made))


def run_days(tenant, first: date, last: date) -> None:
    """The daily run, on time, for every day from ``first`` to ``last``."""
    for day in days(first, last):
        charge_day(tenant, day, now=as_utc(day))


# --- the arithmetic -----------------------------------------------------------------------------


@settings(max_examples=500, deadline=None)
@given(
    year=st.integers(min_value=1999, max_value=2101),
    month=st.integers(min_value=1, max_value=12),
    fee=st.integers(min_value=0, max_value=10_000_000),
)
def test_a_months_daily_amounts_add_up_to_the_monthly_fee(year, month, fee):
    amounts = calendar.daily_amounts(fee, year, month)
    assert len(amounts) == days_in_month(date(year, month, 1))
    assert sum(amounts) == fee
    assert max(amounts) - min(amounts) <= 1  # the remainder is spread, not dumped on one day
    assert all(a >= 0 for a in amounts)


_tenants = itertools.count(1)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    month=st.sampled_from([date(2026, 2, 1), date(2028, 2, 1), date(2026, 4, 1), date(2026, 3, 1)]),
    fee=st.integers(min_value=0, max_value=10_000_000),
)
def test_a_month_of_charge_runs_adds_up_to_the_monthly_fee(app, isp_tenant, contract_from, month, fee):
    tenant = isp_tenant(f"isp{next(_tenants)}")
    with app.app_context(), tenant_scope(tenant.id):
        session.add(Product(code="plan", kind="internet", title="Plan", monthly_fee=fee))
        session.commit()
    made = contract_from(tenant, "100", month, products=("plan",), balance=fee or 1)
    last = month.replace(day=days_in_month(month))
    with app.app_context(), tenant_scope(tenant.id):
        run_days(tenant, month, last)
        assert charged_total(made) == fee
        assert len(charges(made)) == sum(1 for a in calendar.daily_amounts(fee, month.year, month.month) if a)
        assert session.get(Contract, made.id).account.balance == (0 if fee else 1)
        assert ledger.check() == []


# --- proration ------------------------------------------------------------------------------------


def test_a_mid_month_start_costs_its_days_exactly(app, isp_tenant, catalog, contract_from):
    tenant = isp_tenant()
    catalog(tenant)
    made = contract_from(tenant, "100", date(2026, 2, 17), balance=BIG)
    with app.app_context(), tenant_scope(tenant.id):
        run_days(tenant, FEB, date(2026, 2, 28))
        # 500 ₽ a month, days 17–28 of 28: 50000·28//28 − 50000·16//28 = 50000 − 28571
        assert charged_total(made) == 21_429 == calendar.prorated(50_000, date(2026, 2, 17), date(2026, 2, 28))
        assert len(charges(made)) == 12


def test_a_tariff_change_mid_month_is_prorated_to_the_kopeck(app, isp_tenant, catalog, contract_from):
    from plugins.isp.contracts.service import end_subscription, subscribe

    tenant = isp_tenant()
    catalog(tenant)
    made = contract_from(tenant, "100", MAR, balance=BIG)
    with app.app_context(), tenant_scope(tenant.id):
        contract = session.get(Contract, made.id)
        end_subscription(contract.subscriptions[0], date(2026, 3, 10))
        subscribe(contract, session.scalar(select(Product).where(Product.code == "inet300")), date(2026, 3, 11))
        session.commit()
        run_days(tenant, MAR, date(2026, 3, 31))
        by_service = {}
        for _key, amount, service, _period, _when in charges(made):
            by_service[service] = by_service.get(service, 0) - amount
        # inet100 500 ₽ for March 1–10: 50000·10//31 = 16129;
        # inet300 800 ₽ for March 11–31: 80000 − 80000·10//31 = 80000 − 25806 = 54194.
        assert by_service == {"inet100": 16_129, "inet300": 54_194}
        assert by_service["inet100"] == calendar.prorated(50_000, MAR, date(2026, 3, 10))
        assert by_service["inet300"] == calendar.prorated(80_000, date(2026, 3, 11), date(2026, 3, 31))


# --- what one charge looks like -------------------------------------------------------------------


def test_a_charge_is_one_transaction_per_service_and_day_at_local_midnight(app, isp_tenant, catalog, contract_from):
    tenant = isp_tenant()  # Yekaterinburg, UTC+5
    catalog(tenant)
    made = contract_from(tenant, "100", FEB, products=("inet100", "tvbase", "static_ip"), balance=BIG)
    with app.app_context(), tenant_scope(tenant.id):
        result = charge_day(tenant, date(2026, 2, 5), now=as_utc(date(2026, 2, 5)))
        contract = session.get(Contract, made.id)
        subs = {s.product.code: s.id for s in contract.subscriptions}
        midnight = datetime(2026, 2, 4, 19, tzinfo=UTC)  # 2026-02-05 00:00 in Yekaterinburg
        assert sorted(charges(made)) == sorted(
            [
                (f"isp:charge:{subs['inet100']}:2026-02-05", -1786, "inet100", "2026-02", midnight),
                (f"isp:charge:{subs['tvbase']}:2026-02-05", -1072, "tvbase", "2026-02", midnight),
                (f"isp:charge:{subs['static_ip']}:2026-02-05", -536, "static_ip", "2026-02", midnight),
            ]
        )
        # 50000·5//28 − 50000·4//28 = 8928 − 7142; the bundled Kids package is in TV Base's price.
        assert (result.charges, result.total) == (3, 1786 + 1072 + 536)
        assert result.by_service == {"inet100": [1, 1786], "tvbase": [1, 1072], "static_ip": [1, 536]}
        revenue = {
            a.code: a.balance for a in session.scalars(select(LedgerAccount).where(LedgerAccount.kind == "revenue"))
        }
        assert revenue["revenue:internet"] == 1786 and revenue["revenue:tv"] == 1072 and revenue["revenue:addon"] == 536
        assert {s.product.code: s.charged_through for s in contract.subscriptions} == {
            "inet100": date(2026, 2, 5),
            "tvbase": date(2026, 2, 5),
            "static_ip": date(2026, 2, 5),
            "kids": None,
        }
        memo = session.scalar(select(LedgerTransaction.memo).where(LedgerTransaction.kind == "charge").limit(1))
        assert "2026" in memo


def test_services_not_running_that_day_are_not_charged(app, isp_tenant, catalog, contract_from):
    tenant = isp_tenant()
    ids = catalog(tenant)
    later = contract_from(tenant, "100", date(2026, 2, 10), balance=BIG)
    ended = contract_from(tenant, "200", FEB, balance=BIG)
    with app.app_context(), tenant_scope(tenant.id):
        session.get(Contract, ended.id).subscriptions[0].ends_on = date(2026, 2, 4)
        session.get(Product, ids["inet100"]).monthly_fee = 50_000
        free = Product(code="free", kind="addon", title="Free", monthly_fee=0)
        session.add(free)
        session.flush()
        session.add(Subscription(contract_id=later.id, product_id=free.id, starts_on=FEB))
        session.commit()
        result = charge_day(tenant, date(2026, 2, 5), now=as_utc(date(2026, 2, 5)))
        assert result.charges == 0
        assert charges(later) == [] and charges(ended) == []


# --- once per subscription and day ----------------------------------------------------------------


def test_a_second_run_for_the_same_day_posts_nothing(app, isp_tenant, catalog, contract_from):
    tenant = isp_tenant()
    catalog(tenant)
    made = contract_from(tenant, "100", FEB, products=("inet100", "tvbase"), balance=BIG)
    with app.app_context(), tenant_scope(tenant.id):
        first = charge_day(tenant, date(2026, 2, 5), trigger="cli")
        second = charge_day(tenant, date(2026, 2, 5), trigger="cli")
        assert (first.charges, second.charges, second.total) == (2, 0, 0)
        # Even with the bookmark lost, the ledger's idempotency key refuses a second charge.
        session.execute(Subscription.__table__.update().values(charged_through=None))
        session.commit()
        third = charge_day(tenant, date(2026, 2, 5), trigger="cli")
        assert third.charges == 0
        assert len(charges(made)) == 2
        runs = session.execute(select(ChargeRun.charges, ChargeRun.trigger).order_by(ChargeRun.id)).all()
        assert [tuple(r) for r in runs] == [(2, "cli"), (0, "cli"), (0, "cli")]


def test_catch_up_charges_every_missed_day_in_order(app, isp_tenant, catalog, contract_from):
    tenant = isp_tenant()
    catalog(tenant)
    made = contract_from(tenant, "100", date(2026, 2, 3), balance=BIG)
    late = contract_from(tenant, "200", date(2026, 2, 6), balance=BIG)
    with app.app_context(), tenant_scope(tenant.id):
        charge_day(tenant, date(2026, 2, 3))
        assert first_uncharged_day(date(2026, 2, 8)) == date(2026, 2, 4)
        results = charge_until(tenant, date(2026, 2, 8), now=as_utc(date(2026, 2, 8)))
        assert [r.day for r in results] == [date(2026, 2, d) for d in range(4, 9)]
        assert [r.charges for r in results] == [1, 1, 2, 2, 2]
        assert [row[4].astimezone(calendar.tenant_zone(tenant)).day for row in charges(made)] == [3, 4, 5, 6, 7, 8]
        assert len(charges(late)) == 3
        assert charged_total(made) == calendar.prorated(50_000, date(2026, 2, 3), date(2026, 2, 8))
        assert first_uncharged_day(date(2026, 2, 8)) is None
        assert sum(r.charges for r in charge_until(tenant, date(2026, 2, 8))) == 0


def test_a_dry_run_shows_the_totals_and_writes_nothing(app, isp_tenant, catalog, contract_from):
    tenant = isp_tenant()
    catalog(tenant)
    contract_from(tenant, "100", FEB, products=("inet100", "tvbase"), balance=BIG)
    contract_from(tenant, "200", FEB, products=("inet300",), balance=BIG)
    with app.app_context(), tenant_scope(tenant.id):
        preview = charge_day(tenant, date(2026, 2, 5), dry_run=True)
        assert preview.by_service == {"inet100": [1, 1786], "tvbase": [1, 1072], "inet300": [1, 2857]}
        assert (preview.charges, preview.total) == (3, 1786 + 1072 + 2857)
        session.rollback()
        assert session.scalar(select(func.count(LedgerTransaction.id)).where(LedgerTransaction.kind == "charge")) == 0
        assert session.scalar(select(func.count(ChargeRun.id))) == 0
        assert session.scalar(select(func.count(Subscription.id)).where(Subscription.charged_through.is_not(None))) == 0
        real = charge_day(tenant, date(2026, 2, 5))
        assert (real.charges, real.total, real.by_service) == (preview.charges, preview.total, preview.by_service)


def test_several_chunks_charge_everyone_once(app, isp_tenant, catalog, contract_from):
    tenant = isp_tenant()
    catalog(tenant)
    made = [
        contract_from(tenant, str(100 + n), FEB, products=("inet100", "tvmax", "antivirus"), balance=BIG)
        for n in range(7)
    ]
    with app.app_context(), tenant_scope(tenant.id):
        seen = []
        result = charge_day(tenant, date(2026, 2, 5), chunk_size=4, on_chunk=lambda r: seen.append(r.charges))
        assert result.charges == 21
        assert len(seen) >= 6 and seen == sorted(seen)  # a contract's 3 services never split across chunks
        assert all(c % 3 == 0 for c in seen)
        assert all(len(charges(m)) == 3 for m in made)


# --- voluntary block ------------------------------------------------------------------------------


@pytest.mark.parametrize(("fee_kind", "fee", "expected"), [("daily", 1500, 1500), ("none", 0, 0), ("once", 9000, 0)])
def test_a_frozen_contract_pays_the_daily_freeze_fee_instead_of_its_services(
    app, isp_tenant, catalog, contract_from, fee_kind, fee, expected
):
    tenant = isp_tenant()
    catalog(tenant)
    made = contract_from(tenant, "100", FEB, products=("inet100", "tvbase"), balance=BIG)
    with app.app_context(), tenant_scope(tenant.id):
        freeze = Freeze(
            contract_id=made.id,
            starts_on=date(2026, 2, 5),
            ends_on=date(2026, 2, 20),
            status=ACTIVE,
            open_slot=made.id,
            fee_kind=fee_kind,
            fee=fee,
        )
        session.add(freeze)
        session.commit()
        result = charge_day(tenant, date(2026, 2, 5))
        assert result.frozen == 2
        assert result.total == expected
        expected_rows = [(f"isp:freeze:{freeze.id}:2026-02-05", -fee)] if expected else []
        assert [(row[0], row[1]) for row in charges(made)] == expected_rows
        if expected:
            assert charges(made)[0][2] == "freeze"
        contract = session.get(Contract, made.id)
        assert {s.charged_through for s in contract.subscriptions if s.bundled_with_id is None} == {date(2026, 2, 5)}
        # Before the freeze, services are charged as usual; the day after it ends, too.
        charge_day(tenant, date(2026, 2, 21))
        assert len([row for row in charges(made) if row[0].startswith("isp:charge:")]) == 2


# --- the job and the tenants ----------------------------------------------------------------------


def test_the_job_charges_only_tenants_with_isp_enabled(app, isp_tenant, catalog, contract_from, disable_plugin):
    on = isp_tenant("isp-on")
    off = isp_tenant("isp-off")
    catalog(on)
    catalog(off)
    now = datetime.now(UTC)
    yesterday = calendar.tenant_today(on, now) - timedelta(days=1)
    charged = contract_from(on, "100", yesterday, balance=BIG)
    untouched = contract_from(off, "100", yesterday, balance=BIG)
    disable_plugin(off, "isp")
    assert "isp.charge" in app.extensions["abonent.jobs"]
    summary = run_job(app, "isp.charge", now)
    assert summary == {"isp-on": 2}  # yesterday and today; the tenant without isp is not visited
    with app.app_context(), tenant_scope(on.id):
        assert len(charges(charged)) == 2  # yesterday and today, caught up
    with app.app_context(), tenant_scope(off.id):
        assert charges(untouched) == []
        assert session.scalar(select(func.count(ChargeRun.id))) == 0
