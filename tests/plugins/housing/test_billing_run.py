"""The billing run: per-m² and metered charges split between a flat's accounts, average then true-up, the norm ×1.5
without a meter; a re-run posts nothing; every line keeps its trace; the ledger stays sound."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.api import find_account, ledger, open_account, session, tenant_scope
from plugins.housing.accruals.run import run_period
from plugins.housing.models import AccountPremises, Accrual, Building, HousingService, Meter, Premises, Reading

WATER = {
    "code": "cold_water",
    "title": "Холодная вода",
    "unit": "м³",
    "method": "metered",
    "meter_kind": "cold_water",
    "tariffs": [["2026-07-01", "4567"]],
    "norms": [["2020-01-01", "6.935"]],
    "no_meter_multiplier": Decimal("1.5"),
}
MAINTENANCE = {
    "code": "maintenance",
    "title": "Содержание жилья",
    "unit": "м²",
    "method": "per_area",
    "tariffs": [["2026-01-01", "2850"]],
}


@pytest.fixture
def house(app, make_tenant, enable_plugin):
    """A tenant with both services, one flat with two accounts and a water meter, one flat without a meter."""
    tenant = make_tenant("house")
    enable_plugin(tenant, "housing")
    with app.app_context(), tenant_scope(tenant.id):
        session.add_all([HousingService(**WATER), HousingService(**MAINTENANCE)])
        building = Building(code="L5", address="ул. Ленина, 5", total_area=Decimal(6000))
        session.add(building)
        session.flush()
        flat = Premises(building_id=building.id, number="12", area=Decimal("54.3"), residents=3)
        bare = Premises(building_id=building.id, number="13", area=Decimal("41"), residents=2)
        session.add_all([flat, bare])
        session.flush()
        for number, premises in (("1001", flat), ("1002", flat), ("1301", bare)):
            account = open_account(number, holder_name=number)
            session.flush()
            session.add(AccountPremises(personal_account_id=account.id, premises_id=premises.id))
        meter = Meter(premises_id=flat.id, kind="cold_water", serial="XB-1", digits=5, initial_values=["100"])
        session.add(meter)
        session.commit()
        return tenant, meter.id


def read(app, tenant, meter_id, period: date, use: str):
    with app.app_context(), tenant_scope(tenant.id):
        last = session.scalars(
            select(Reading).where(Reading.meter_id == meter_id).order_by(Reading.period.desc())
        ).first()
        previous = last.value if last else Decimal(100)
        session.add(Reading(meter_id=meter_id, period=period, value=previous + Decimal(use), use=Decimal(use)))
        session.commit()


def run(app, tenant, period):
    with app.app_context(), tenant_scope(tenant.id):
        result = run_period(period)
        session.commit()
        return result


def balances(app, tenant):
    with app.app_context(), tenant_scope(tenant.id):
        return {n: find_account(n).balance for n in ("1001", "1002", "1301")}


def lines(app, tenant, number, period):
    with app.app_context(), tenant_scope(tenant.id):
        account = find_account(number)
        rows = session.scalars(
            select(Accrual).where(Accrual.personal_account_id == account.id, Accrual.period == period)
        )
        return {row.service: (row.amount, row.method, row.trace) for row in rows}


def test_a_month_is_accrued_split_between_the_accounts_and_a_rerun_posts_nothing(app, house):
    tenant, meter_id = house
    read(app, tenant, meter_id, date(2026, 12, 1), "5.5")
    first = run(app, tenant, date(2026, 12, 15))
    # flat 12: maintenance 54.3 × 28.50 = 1547.55 and water 5.5 × 45.67 = 251.19, halved between two accounts;
    # flat 13: 41 × 28.50 = 1168.50 and no meter: 2 × 6.935 × 1.5 × 45.67 = 950.16
    assert balances(app, tenant) == {"1001": -(77378 + 12560), "1002": -(77377 + 12559), "1301": -(116850 + 95016)}
    assert first.lines == 6 and first.total == 154755 + 25119 + 116850 + 95016
    again = run(app, tenant, date(2026, 12, 1))
    assert (again.lines, again.total) == (0, 0)
    assert balances(app, tenant)["1001"] == -(77378 + 12560)
    with app.app_context(), tenant_scope(tenant.id):
        assert ledger.check() == []
    water = lines(app, tenant, "1001", date(2026, 12, 1))["cold_water"]
    assert (
        water[1] == "metered" and Decimal(water[2]["inputs"]["volume"]) == Decimal("5.5") and water[2]["accounts"] == 2
    )
    bare = lines(app, tenant, "1301", date(2026, 12, 1))["cold_water"]
    assert bare[1] == "norm" and bare[2]["inputs"]["multiplier"] == "1.50"


def test_missing_readings_are_billed_by_the_average_and_trued_up_when_they_resume(app, house):
    tenant, meter_id = house
    for month, use in ((9, "5"), (10, "6"), (11, "4")):
        read(app, tenant, meter_id, date(2026, month, 1), use)
        run(app, tenant, date(2026, month, 1))
    run(app, tenant, date(2026, 12, 1))  # no reading: the average, 5 m³
    assert lines(app, tenant, "1001", date(2026, 12, 1))["cold_water"][1] == "average"
    read(app, tenant, meter_id, date(2027, 1, 1), "18")  # covers December and January
    run(app, tenant, date(2027, 1, 1))
    january = lines(app, tenant, "1001", date(2027, 1, 1))["cold_water"]
    assert january[1] == "true_up"
    assert {k: Decimal(v) for k, v in january[2]["inputs"].items()} == {"actual": 18, "billed": 5}
    assert january[2]["flat_amount"] == 59371  # (18 − 5) × 45.67 = 593.71 ₽


def test_the_resident_sees_why_each_amount_in_russian(app, house, make_user, login):
    from core.api import grant_access
    from core.identity.models import User
    from core.testing.fixtures import tenant_path

    tenant, meter_id = house
    read(app, tenant, meter_id, date(2026, 11, 1), "4")
    run(app, tenant, date(2026, 11, 1))
    read(app, tenant, meter_id, date(2026, 12, 1), "5.5")
    run(app, tenant, date(2026, 12, 1))
    user = make_user(tenant, "resident@example.org", roles=("subscriber",))
    with app.app_context(), tenant_scope(tenant.id):
        grant_access(session.get(User, user.id), find_account("1001"))
        session.commit()
    page = login(tenant, user).get(tenant_path(tenant, "/housing/accruals?period=2026-12")).get_data(as_text=True)
    assert "Начисления за 12.2026" in page and "Почему такая сумма" in page
    assert "по счётчику: объём × тариф" in page and "С 01.12.2026 по 31.12.2026: 5,5 × 45,67 ₽" in page
    assert "разделена поровну между её лицевыми счетами (2)" in page
    assert "Изменение к прошлому месяцу" in page  # water went from 4 to 5.5 m³
    assert "2026-12-01" not in page


def test_the_money_history_names_each_accrual_by_service_and_month(app, house, make_user, login):
    from core.api import grant_access
    from core.identity.models import User
    from core.testing.fixtures import tenant_path

    tenant, meter_id = house
    read(app, tenant, meter_id, date(2026, 11, 1), "4")
    run(app, tenant, date(2026, 11, 1))
    user = make_user(tenant, "resident@example.org", roles=("subscriber",))
    with app.app_context(), tenant_scope(tenant.id):
        grant_access(session.get(User, user.id), find_account("1001"))
        session.commit()
    page = login(tenant, user).get(tenant_path(tenant, "/money/history")).get_data(as_text=True)
    assert "Начисление: Холодная вода, ноябрь 2026" in page
    assert "Начисление: Содержание жилья, ноябрь 2026" in page
    assert "Прочие изменения" not in page and "housing_accrual" not in page
