"""A reading written into an earlier month — the billing's import of a past month, a reading taken by phone for an
earlier month — restates the use (and the rollover) of the reading after it in the same transaction; a month billed
already is recalculated by the next billing run, to the kopeck, once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.api import find_account, open_account, session, tenant_scope
from core.testing.fixtures import tenant_path
from plugins.housing.accruals.run import run_period
from plugins.housing.common import csvimport
from plugins.housing.epd.service import build_epd
from plugins.housing.models import REVIEW, AccountPremises, Accrual, Building, HousingService, Meter, Premises, Reading
from plugins.housing.readings.bulk import READINGS
from tests.plugins.housing.clock import on

WATER = {
    "code": "cold_water",
    "title": "Холодная вода",
    "unit": "м³",
    "method": "metered",
    "meter_kind": "cold_water",
    "tariffs": [["2026-07-01", "4567"], ["2026-11-01", "4800"]],  # 45.67 ₽, from November 48.00 ₽
    "norms": [["2020-01-01", "6.935"]],
}


@pytest.fixture
def house(app, make_tenant, make_user, enable_plugin):
    """Flat 12 (account 1001) with water meter XB-1 (5 digits, from 100); flat 13 (account 1301) with meter H-13
    (4 digits, from 9990); an operator."""
    tenant = make_tenant("revise", login_identifier="contract")
    enable_plugin(tenant, "housing")
    operator = make_user(tenant, "operator", roles=("operator",))
    with app.app_context(), tenant_scope(tenant.id):
        session.add(HousingService(**WATER))
        building = Building(code="L5", address="ул. Ленина, 5", total_area=Decimal(6000))
        session.add(building)
        session.flush()
        for number, account_number, serial, digits, initial in (
            ("12", "1001", "XB-1", 5, "100"),
            ("13", "1301", "H-13", 4, "9990"),
        ):
            flat = Premises(building_id=building.id, number=number, area=Decimal(50), residents=2)
            session.add(flat)
            session.flush()
            account = open_account(account_number, holder_name=number)
            session.flush()
            session.add(AccountPremises(personal_account_id=account.id, premises_id=flat.id))
            session.add(
                Meter(premises_id=flat.id, kind="cold_water", serial=serial, digits=digits, initial_values=[initial])
            )
        session.commit()
    return tenant, operator


def imported(app, tenant, *lines: str) -> None:
    text = "account;serial;zone;period;value\n" + "\n".join(lines) + "\n"
    with app.app_context(), tenant_scope(tenant.id):
        outcome = csvimport.run(READINGS, text)
        assert outcome.ok, [str(problem) for problem in outcome.problems]
        session.commit()


def readings(app, tenant, serial: str):
    with app.app_context(), tenant_scope(tenant.id):
        rows = session.scalars(
            select(Reading).join(Meter).where(Meter.serial == serial).order_by(Reading.period, Reading.zone)
        )
        return {r.period.month: (r.value, r.use, r.rollover, r.status) for r in rows}


def run(app, tenant, period: date):
    with app.app_context(), tenant_scope(tenant.id):
        result = run_period(period)
        session.commit()
        return result


def lines(app, tenant, period: date, number: str = "1001"):
    with app.app_context(), tenant_scope(tenant.id):
        account = find_account(number)
        rows = session.scalars(
            select(Accrual).where(Accrual.personal_account_id == account.id, Accrual.period == period)
        )
        return {row.service: (row.amount, row.method, row.trace["inputs"]) for row in rows}


def d(text: str) -> Decimal:
    return Decimal(text)


def test_an_earlier_month_imported_restates_the_next_use_its_rollover_and_a_fall(app, house):
    tenant, _operator = house
    imported(app, tenant, "1001;XB-1;1;2026-12;130", "1301;H-13;1;2026-12;0005")
    assert readings(app, tenant, "XB-1")[12][:3] == (d("130.000"), d("30.000"), False)
    assert readings(app, tenant, "H-13")[12][:3] == (d("5.000"), d("15.000"), True)  # 9990 → 0005: a rollover

    imported(app, tenant, "1001;XB-1;1;2026-10;110", "1001;XB-1;1;2026-11;118", "1301;H-13;1;2026-11;0001")
    water = readings(app, tenant, "XB-1")
    assert [(month, water[month][1]) for month in sorted(water)] == [(10, d("10")), (11, d("8")), (12, d("12"))]
    hot = readings(app, tenant, "H-13")
    assert hot[11][1:3] == (d("11.000"), True)  # the rollover moved to November
    assert hot[12][1:3] == (d("4.000"), False)  # December is a plain 4 m³ now

    # November corrected above December's value: December falls, which no rollover explains — a staff check.
    imported(app, tenant, "1001;XB-1;1;2026-11;135")
    water = readings(app, tenant, "XB-1")
    assert water[11][1] == d("25.000") and water[12][1:] == (d("-5.000"), False, REVIEW)


def test_a_reading_by_phone_for_an_earlier_month_restates_the_next_one(app, house, login):
    tenant, operator = house
    imported(app, tenant, "1001;XB-1;1;2026-12;130")
    staff = login(tenant, operator)
    phone = tenant_path(tenant, "/housing/admin/readings/phone?account=1001")
    with app.app_context(), tenant_scope(tenant.id):
        meter_id = session.scalar(select(Meter.id).where(Meter.serial == "XB-1"))
    page = staff.get(phone).get_data(as_text=True)
    assert "Месяц, если за прошлый" in page
    form = {"account": "1001", "meter_id": str(meter_id), "value": "121,5"}
    with on(date(2026, 12, 21)):
        future = staff.submit(phone, {**form, "period": "2027-02"}, form_url=phone)
        wrong = staff.submit(phone, {**form, "period": "ноябрь"}, form_url=phone)
        saved = staff.submit(phone, {**form, "period": "2026-11"}, form_url=phone)
    assert future.status_code == 400 and "Укажите месяц не позже текущего, например 2026-11." in future.get_data(
        as_text=True
    )
    assert wrong.status_code == 400
    assert saved.status_code == 302
    water = readings(app, tenant, "XB-1")
    assert water[11][:2] == (d("121.500"), d("21.500")) and water[12][1] == d("8.500")


def test_a_late_reading_of_a_month_billed_by_the_average_is_recalculated_by_the_next_run(app, house):
    tenant, _operator = house
    for month, value in ((8, "105"), (9, "110"), (10, "115")):
        imported(app, tenant, f"1001;XB-1;1;2026-{month:02d};{value}")
        run(app, tenant, date(2026, month, 1))
    run(app, tenant, date(2026, 11, 1))  # no reading: the average, 5 m³ × 48.00 ₽
    assert lines(app, tenant, date(2026, 11, 1))["cold_water"][:2] == (24_000, "average")

    imported(app, tenant, "1001;XB-1;1;2026-11;123", "1001;XB-1;1;2026-12;130")  # November came late: 8 m³
    run(app, tenant, date(2026, 12, 1))
    december = lines(app, tenant, date(2026, 12, 1))
    assert december["cold_water"][:2] == (33_600, "metered")  # 7 m³ × 48.00 ₽
    # November: 8 m³ used, 5 m³ billed: 3 m³ × 48.00 ₽ = 144.00 ₽ more.
    assert december["cold_water:2026-11"] == (
        14_400,
        "recalculation",
        {"month": "2026-11", "actual": "8.000", "billed_before": "5"},
    )
    with app.app_context(), tenant_scope(tenant.id):
        epd = build_epd(tenant, find_account("1001"), date(2026, 12, 1), date(2026, 12, 28))
        [water] = [line for line in epd.lines if line.code == "cold_water"]
        assert (water.accrued, water.recalculation, water.amount) == (33_600, 14_400, 48_000)

    assert run(app, tenant, date(2026, 12, 1)).lines == 0  # a re-run of the month posts nothing more
    imported(app, tenant, "1001;XB-1;1;2027-01;136")
    run(app, tenant, date(2027, 1, 1))
    assert set(lines(app, tenant, date(2027, 1, 1))) == {"cold_water"}  # November is settled: once


def test_a_corrected_value_recalculates_both_billed_months_at_their_own_tariffs(app, house):
    tenant, _operator = house
    imported(app, tenant, "1001;XB-1;1;2026-10;110")
    run(app, tenant, date(2026, 10, 1))  # 10 m³ × 45.67 ₽ = 456.70 ₽
    imported(app, tenant, "1001;XB-1;1;2026-11;120")
    run(app, tenant, date(2026, 11, 1))  # 10 m³ × 48.00 ₽ = 480.00 ₽

    imported(app, tenant, "1001;XB-1;1;2026-10;112", "1001;XB-1;1;2026-12;130")  # October was 12 m³, November 8
    assert readings(app, tenant, "XB-1")[11][1] == d("8.000")
    run(app, tenant, date(2026, 12, 1))
    december = lines(app, tenant, date(2026, 12, 1))
    assert december["cold_water"][0] == 48_000  # 10 m³ × 48.00 ₽
    assert december["cold_water:2026-10"][0] == 9_134  # +2 m³ × 45.67 ₽
    assert december["cold_water:2026-11"][0] == -9_600  # −2 m³ × 48.00 ₽
    with app.app_context(), tenant_scope(tenant.id):
        assert find_account("1001").balance == -(45_670 + 48_000 + 48_000 + 9_134 - 9_600)


def test_a_late_reading_inside_a_true_up_moves_the_use_between_the_months_and_bills_nothing_twice(app, house):
    tenant, _operator = house
    for month, value in ((8, "105"), (9, "110"), (10, "115")):
        imported(app, tenant, f"1001;XB-1;1;2026-{month:02d};{value}")
        run(app, tenant, date(2026, month, 1))
    run(app, tenant, date(2026, 11, 1))  # the average: 5 m³
    imported(app, tenant, "1001;XB-1;1;2026-12;127")
    run(app, tenant, date(2026, 12, 1))  # readings resume: 12 m³ less the 5 estimated = 7 m³ × 48.00 ₽
    assert lines(app, tenant, date(2026, 12, 1))["cold_water"][:2] == (33_600, "true_up")

    imported(app, tenant, "1001;XB-1;1;2026-11;124", "1001;XB-1;1;2027-01;130")  # November was 9 m³, December 3
    run(app, tenant, date(2027, 1, 1))
    january = lines(app, tenant, date(2027, 1, 1))
    assert january["cold_water"][:2] == (14_400, "metered")  # 3 m³
    assert january["cold_water:2026-11"][0] == 19_200  # 9 − 5 estimated = +4 m³
    assert january["cold_water:2026-12"][0] == -19_200  # 3 − 7 trued up = −4 m³
    with app.app_context(), tenant_scope(tenant.id):
        billed = sum(
            session.scalars(
                select(Accrual.amount).where(
                    Accrual.personal_account_id == find_account("1001").id, Accrual.period >= date(2026, 11, 1)
                )
            )
        )
    assert billed == (9 + 3 + 3) * 4_800  # November, December and January as read: 15 m³, nothing twice
