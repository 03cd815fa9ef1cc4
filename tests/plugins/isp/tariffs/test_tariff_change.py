"""Tariff change: the quote, both timings with exact proration, fees by direction, one pending change, cancel."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.api import Refused, session, tenant_scope
from core.testing.fixtures import tenant_path
from plugins.isp.charging.service import charge_day
from plugins.isp.common.calendar import days, days_in_month, prorated
from plugins.isp.models import APPLIED, CANCELLED, PENDING, Contract, Product, TariffChange
from plugins.isp.tariffs import changes
from tests.plugins.isp.conftest import as_utc

START = date(2025, 1, 1)


@contextmanager
def scope(app, tenant):
    with app.test_request_context(), tenant_scope(tenant.id):
        yield


def contract(made) -> Contract:
    return session.get(Contract, made.id)


def product(code: str) -> Product:
    return session.scalar(select(Product).where(Product.code == code))


def balance(app, tenant, made) -> int:
    with scope(app, tenant):
        return contract(made).account.balance


def charge(app, tenant, first: date, last: date) -> None:
    """Run the real daily charge for each day ``first``..``last`` (at noon of that day)."""
    for day in days(first, last):
        with scope(app, tenant):
            charge_day(tenant, day, now=as_utc(day))


def confirm(app, tenant, made, code: str, now):
    with scope(app, tenant):
        change = changes.confirm_change(tenant, contract(made), product(code), None, now)
        session.commit()
        return change.id, change.status, change.effective_on


@pytest.mark.parametrize(
    ("month", "day", "already_charged"),
    [
        (date(2025, 3, 1), 15, True),
        (date(2025, 3, 1), 15, False),
        (date(2028, 2, 1), 29, True),
        (date(2025, 4, 1), 1, False),
    ],
)
def test_an_immediate_change_prorates_the_month_exactly(
    app, isp_tenant, catalog, contract_from, month, day, already_charged
):
    tenant = isp_tenant(settings={"tariff_change_timing": "immediately"})
    catalog(tenant)
    made = contract_from(tenant, "800100", START, products=("inet100",), balance=10_000_000)
    change_day = month.replace(day=day)
    month_end = month.replace(day=days_in_month(month))
    last_charged = change_day if already_charged else change_day - timedelta(days=1)
    opening = balance(app, tenant, made)
    if last_charged >= month:
        charge(app, tenant, month, last_charged)
    with scope(app, tenant):
        quote = changes.quote_change(tenant, contract(made), product("inet300"), change_day)
        assert quote.ok and quote.effective_on == change_day and quote.charged_now == 0
        assert quote.today_at_old_price is already_charged
        assert quote.new_price_from == last_charged + timedelta(days=1)
        assert quote.rest_of_month_new == prorated(80000, quote.new_price_from, month_end)
    _id, status, effective_on = confirm(app, tenant, made, "inet300", as_utc(change_day, 14))
    assert (status, effective_on) == (APPLIED, change_day)
    charge(app, tenant, last_charged + timedelta(days=1), month_end)
    expected = prorated(50000, month, last_charged) + prorated(80000, last_charged + timedelta(days=1), month_end)
    assert opening - balance(app, tenant, made) == expected


def test_a_next_period_change_starts_on_the_first_and_the_month_stays_at_the_old_price(
    app, isp_tenant, catalog, contract_from, login
):
    tenant = isp_tenant()
    catalog(tenant)
    made = contract_from(tenant, "800200", START, products=("inet100",), balance=10_000_000)
    today = date(2025, 3, 10)
    charge(app, tenant, date(2025, 3, 1), today)
    with scope(app, tenant):
        quote = changes.quote_change(tenant, contract(made), product("inet300"), today)
        assert quote.ok and quote.effective_on == date(2025, 4, 1) and quote.charged_now == 0
    change_id, status, _ = confirm(app, tenant, made, "inet300", as_utc(today))
    assert status == PENDING
    start = balance(app, tenant, made)
    charge(app, tenant, today + timedelta(days=1), date(2025, 4, 30))
    assert start - balance(app, tenant, made) == prorated(50000, date(2025, 3, 11), date(2025, 3, 31)) + 80000
    with scope(app, tenant):
        assert changes.settle_all(tenant, as_utc(date(2025, 3, 31))) == 0
        assert changes.settle_all(tenant, as_utc(date(2025, 4, 1))) == 1
        session.commit()
        row = session.get(TariffChange, change_id)
        assert row.status == APPLIED and row.pending_slot is None


def test_fees_by_direction_are_taken_once_at_confirm(app, isp_tenant, catalog, contract_from):
    tenant = isp_tenant(
        settings={"tariff_change_fee_up": 5000, "tariff_change_fee_down": 3000, "tariff_change_fee_same": 1000}
    )
    catalog(tenant)
    with scope(app, tenant):
        session.add(Product(code="home100plus", kind="internet", title="Home 100+", monthly_fee=50000, speed_mbps=100))
        session.commit()
    today = date(2025, 3, 10)
    for number, start_code, target, fee in (
        ("800301", "inet100", "inet300", 5000),
        ("800302", "inet300", "inet100", 3000),
        ("800303", "inet100", "home100plus", 1000),
    ):
        made = contract_from(tenant, number, START, products=(start_code,), balance=100_000)
        change_id, _, _ = confirm(app, tenant, made, target, as_utc(today))
        assert balance(app, tenant, made) == 100_000 - fee
        with scope(app, tenant):
            with pytest.raises(Refused) as refused:
                changes.confirm_change(tenant, contract(made), product(target), None, as_utc(today))
            assert "pending_change" in [r.code for r in refused.value.reasons]
            session.rollback()
        assert balance(app, tenant, made) == 100_000 - fee
        with scope(app, tenant):
            assert session.get(TariffChange, change_id).fee == fee


def test_the_quote_page_shows_price_start_and_charge_then_confirm_and_cancel_restore(
    app, isp_tenant, catalog, make_contract, login
):
    tenant = isp_tenant(settings={"tariff_change_fee_up": 5000})
    catalog(tenant)
    made = make_contract(tenant, "800400", products=("inet100", "tvbase"), balance=100_000)
    client = login(tenant, made)
    page = client.get(tenant_path(tenant, "/isp/tariffs/quote?tariff=inet300")).get_data(as_text=True)
    assert "800.00" in page and "50.00" in page and "Confirm the change" in page
    response = client.submit(tenant_path(tenant, "/isp/tariffs/confirm"), {"tariff": "inet300"})
    assert response.status_code == 302
    assert "Cancel the change" in client.get(tenant_path(tenant, "/isp/tariffs")).get_data(as_text=True)
    assert balance(app, tenant, made) == 95_000
    # A second confirm (a double click) is refused in words, not a server error.
    again = client.submit(tenant_path(tenant, "/isp/tariffs/confirm"), {"tariff": "inet500"})
    assert again.status_code == 409 and 'data-reason="pending_change"' in again.get_data(as_text=True)
    with scope(app, tenant):
        codes = sorted((s.product.code, s.ends_on is None) for s in contract(made).subscriptions)
        assert ("inet100", False) in codes and ("inet300", True) in codes
    response = client.submit(tenant_path(tenant, "/isp/tariffs/cancel"), {})
    assert response.status_code == 302
    assert balance(app, tenant, made) == 100_000  # the fee came back
    with scope(app, tenant):
        subs = contract(made).subscriptions
        assert sorted(s.product.code for s in subs) == ["inet100", "kids", "tvbase"]
        assert all(s.ends_on is None for s in subs)
        row = session.scalar(select(TariffChange).where(TariffChange.contract_id == made.id))
        assert row.status == CANCELLED and row.pending_slot is None
    # After the cancel another change may be ordered.
    assert client.submit(tenant_path(tenant, "/isp/tariffs/confirm"), {"tariff": "inet300"}).status_code == 302


def test_a_tv_tariff_change_carries_its_bundle_and_ends_a_package_it_now_includes(
    app, isp_tenant, catalog, contract_from
):
    tenant = isp_tenant()
    catalog(tenant)
    made = contract_from(tenant, "800500", START, products=("inet100", "tvbase", "movies"), balance=100_000)
    today = date(2025, 3, 10)
    with scope(app, tenant):
        quote = changes.quote_change(tenant, contract(made), product("tvmax"), today)
        assert [s.product.code for s in quote.replaced_packages] == ["movies"]
    confirm(app, tenant, made, "tvmax", as_utc(today))
    with scope(app, tenant):
        on_april = sorted(s.product.code for s in contract(made).subscriptions if s.covers(date(2025, 4, 1)))
        assert on_april == ["inet100", "kids", "movies", "tvmax"]
        separate_movies = [
            s for s in contract(made).subscriptions if s.product.code == "movies" and not s.bundled_with_id
        ]
        assert separate_movies[0].ends_on == date(2025, 3, 31)
        changes.cancel_change(tenant, contract(made), None, as_utc(today))
        session.commit()
        assert sorted(s.product.code for s in contract(made).subscriptions) == ["inet100", "kids", "movies", "tvbase"]
        assert all(s.ends_on is None for s in contract(made).subscriptions)


def test_cancelling_without_an_ordered_change_is_refused_in_words(app, isp_tenant, catalog, make_contract, login):
    tenant = isp_tenant()
    catalog(tenant)
    made = make_contract(tenant, "800600", balance=100_000)
    client = login(tenant, made)
    response = client.submit(tenant_path(tenant, "/isp/tariffs/cancel"), {})
    assert response.status_code == 302
    assert "no ordered tariff change" in client.get(tenant_path(tenant, "/isp/tariffs")).get_data(as_text=True)


@pytest.mark.parametrize("timing", ["next_period", "immediately"])
def test_two_confirms_at_once_make_one_change_and_take_one_fee(app, isp_tenant, catalog, contract_from, timing):
    import threading

    tenant = isp_tenant(settings={"tariff_change_timing": timing, "tariff_change_fee_up": 5000})
    catalog(tenant)
    made = contract_from(tenant, "800700", START, products=("inet100",), balance=100_000)
    now = as_utc(date(2025, 3, 10))
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def attempt() -> None:
        with scope(app, tenant):
            barrier.wait()
            try:
                changes.confirm_change(tenant, contract(made), product("inet300"), None, now)
                session.commit()
                outcomes.append("ok")
            except Refused as refused:
                session.rollback()
                outcomes.append(refused.reasons[0].code)

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes).count("ok") == 1, outcomes
    assert balance(app, tenant, made) == 95_000
    with scope(app, tenant):
        assert len(session.scalars(select(TariffChange)).all()) == 1
        assert sorted(s.product.code for s in contract(made).subscriptions) == ["inet100", "inet300"]
