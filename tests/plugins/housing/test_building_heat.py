"""Heat by the building meter, shared by area: the operator imports the building meter's volume of the month (all or
nothing, line-numbered), the billing run charges every flat of that building its area's share — a worked example to
the kopeck — the ЕПД shows the building's volume in its reference data, a building whose volume comes later is
billed by a run after it, and a billed month's volume cannot change."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select

from core.api import find_account, grant_access, open_account, session, tenant_scope
from core.cli.main import cli
from core.identity.models import User
from core.testing.fixtures import tenant_path
from plugins.housing.accruals.run import run_period
from plugins.housing.epd.service import BUILDING_VOLUME, build_epd
from plugins.housing.models import AccountPremises, Accrual, Building, HousingService, Premises

DECEMBER = date(2026, 12, 1)
HEATING = {
    "code": "heating",
    "title": "Отопление",
    "unit": "Гкал",
    "method": "shared_by_area",
    "meter_kind": "heat",
    "tariffs": [["2026-07-01", "234567"]],  # 2 345,67 ₽ per Gcal
}


@pytest.fixture
def town(app, make_tenant, enable_plugin):
    """L5 (6000 m²): flat 12 of 54.3 m² with accounts 1001 and 1002, flat 13 of 41 m² (1301); M7 (3200 m²): flat 1
    of 60 m² (7001)."""
    tenant = make_tenant("heat")
    enable_plugin(tenant, "housing")
    with app.app_context(), tenant_scope(tenant.id):
        session.add(HousingService(**HEATING))
        l5 = Building(code="L5", address="ул. Ленина, 5", total_area=Decimal(6000))
        m7 = Building(code="M7", address="ул. Мира, 7", total_area=Decimal(3200))
        session.add_all([l5, m7])
        session.flush()
        for building, number, area, accounts in (
            (l5, "12", "54.3", ("1001", "1002")),
            (l5, "13", "41", ("1301",)),
            (m7, "1", "60", ("7001",)),
        ):
            flat = Premises(building_id=building.id, number=number, area=Decimal(area), residents=2)
            session.add(flat)
            session.flush()
            for account_number in accounts:
                account = open_account(account_number, holder_name=account_number)
                session.flush()
                session.add(AccountPremises(personal_account_id=account.id, premises_id=flat.id))
        session.commit()
    return tenant


def import_volumes(app, tenant, path, text: str):
    path.write_text("building;kind;period;volume\n" + text, encoding="utf-8")
    return CliRunner().invoke(
        cli,
        ["housing", "import-building-readings", str(path), "--tenant", tenant.slug],
        obj=ScriptInfo(create_app=lambda: app),
    )


def heat(app, tenant, number: str):
    with app.app_context(), tenant_scope(tenant.id):
        row = session.scalar(
            select(Accrual).where(
                Accrual.personal_account_id == find_account(number).id,
                Accrual.period == DECEMBER,
                Accrual.service == "heating",
            )
        )
        return None if row is None else (row.amount, row.method, row.trace)


def run(app, tenant):
    with app.app_context(), tenant_scope(tenant.id):
        result = run_period(DECEMBER)
        session.commit()
        return result


def test_the_building_heat_is_shared_by_area_to_the_kopeck_and_shown_on_the_epd(app, town, tmp_path):
    path = tmp_path / "heat.csv"
    bad = import_volumes(app, town, path, "L5;heat;2026-12;120\nX9;heat;2026-12;5\nM7;отопление;2026-12;много\n")
    assert bad.exit_code == 1
    assert f"{path}:3: no building X9." in bad.output
    assert f"{path}:4: volume: Enter the volume as a number, for example 120,5." in bad.output
    assert import_volumes(app, town, path, "L5;отопление;2026-12;120\n").exit_code == 0

    assert run(app, town).lines == 3  # M7 has no volume for December yet: its flat gets no heat line
    # Flat 12: 120 Gcal × 54.3 m² ÷ 6000 m² = 1.086 Gcal × 2 345,67 ₽ = 2 547,39762 ₽ → 2 547,40 ₽, halved.
    first, method, trace = heat(app, town, "1001")
    assert (first, heat(app, town, "1002")[0], method) == (127_370, 127_370, "shared_by_area")
    assert trace["flat_amount"] == 254_740 and Decimal(trace["volume"]) == Decimal("1.086")
    assert {name: Decimal(value) for name, value in trace["inputs"].items()} == {
        "building_volume": Decimal(120),
        "building_area": Decimal(6000),
        "area": Decimal("54.3"),
    }
    # Flat 13: 120 × 41 ÷ 6000 = 0.82 Gcal × 2 345,67 ₽ = 1 923,4494 ₽ → 1 923,45 ₽.
    assert heat(app, town, "1301")[0] == 192_345
    assert heat(app, town, "7001") is None

    with app.app_context(), tenant_scope(town.id):
        epd = build_epd(town, find_account("1001"), DECEMBER, date(2026, 12, 28))
    [line] = epd.lines
    assert (line.title, line.unit, line.volume, line.accrued, line.shared) == (
        "Отопление",
        "Гкал",
        Decimal("1.086"),
        127_370,
        2,
    )
    assert [(ref.title, ref.value, ref.unit) for ref in epd.references if ref.kind == BUILDING_VOLUME] == [
        ("Отопление", Decimal(120), "Гкал")
    ]

    # M7's volume comes later: a run of the month after it bills that building's flat, and only it.
    assert import_volumes(app, town, path, "M7;heat;2026-12;64\n").exit_code == 0
    again = run(app, town)
    assert again.lines == 1 and heat(app, town, "7001")[0] == 281_480  # 64 × 60 ÷ 3200 = 1.2 Gcal → 2 814,80 ₽

    # A billed month's volume stays: the line says why.
    changed = import_volumes(app, town, path, "L5;heat;2026-12;125\n")
    assert changed.exit_code == 1
    assert f"{path}:2: the building's shares of 12.2026 are billed already: its volume cannot change." in changed.output


def test_the_resident_reads_why_in_russian_and_the_operator_uploads_the_volumes(app, town, make_user, login):
    operator = make_user(town, "operator@example.org", roles=("operator",))
    staff = login(town, operator)
    url = tenant_path(town, "/housing/admin/readings/building-import")
    page = staff.get(url).get_data(as_text=True)
    assert "Загрузка объёмов общедомовых счётчиков" in page and "код дома;вид счётчика;месяц;объём" in page
    token = staff.csrf_token(url)
    done = staff.post(
        url,
        data={
            "csrf_token": token,
            "file": (io.BytesIO(b"building;kind;period;volume\nL5;heat;12.2026;120\n"), "h.csv"),
        },
        content_type="multipart/form-data",
    )
    assert done.status_code == 302
    assert "Добавлено объёмов: 1" in staff.get(done.headers["Location"]).get_data(as_text=True)
    run(app, town)

    resident = make_user(town, "resident@example.org", roles=("subscriber",))
    with app.app_context(), tenant_scope(town.id):
        grant_access(session.get(User, resident.id), find_account("1301"))
        session.commit()
    text = login(town, resident).get(tenant_path(town, "/housing/accruals?period=2026-12")).get_data(as_text=True)
    assert "объём по общедомовому прибору, распределённый по площади, × тариф" in text
    assert "Отопление: 1\xa0923,45\xa0₽" in text and "0,82 × 2345,67" in text
    assert "объём по общедомовому прибору: 120" in text
