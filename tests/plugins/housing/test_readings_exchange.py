"""Meters and readings exchanged with the company's billing as CSV: the meters import and the readings import on
the command line (all or nothing, line-numbered, a repeat changes nothing), the month's export, and the upload
pages in Russian and English."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select

from core.api import session, tenant_scope
from core.cli.main import cli
from core.testing.fixtures import tenant_path
from plugins.housing.models import IMPORT, REVIEW, Meter, Reading

METERS = """building;flat;kind;serial;digits;next_verification;initial_1
L5;13;hot_water;H-13;4;2030-01-01;9990
M7;1;cold_water;C-1;5;01.06.2026;10
"""
READINGS = """account;serial;zone;period;value
1000120;XB-1;1;2026-10;110,5
1000120;XB-1;1;2026-11;120.5
1000130;H-13;1;2026-11;0005
"""


def invoke(app, *args):
    return CliRunner().invoke(cli, ["housing", *args], obj=ScriptInfo(create_app=lambda: app))


def readings_of(app, world):
    with app.app_context(), tenant_scope(world.tenant.id):
        rows = session.scalars(select(Reading).order_by(Reading.period, Reading.meter_id))
        return [(r.meter.serial, r.period, r.value, r.use, r.rollover, r.status, r.source) for r in rows]


def test_meters_then_readings_import_from_the_command_line_and_a_repeat_changes_nothing(app, housing_world, tmp_path):
    world = housing_world("exchange")
    meters, readings = tmp_path / "meters.csv", tmp_path / "readings.csv"
    meters.write_text(METERS, encoding="utf-8")
    readings.write_text(READINGS, encoding="utf-8")
    first = invoke(app, "import-meters", str(meters), "--tenant", "exchange")
    assert first.exit_code == 0 and "2 meter(s) added, 0 updated, 0 unchanged" in first.output
    again = invoke(app, "import-meters", str(meters), "--tenant", "exchange")
    assert "0 meter(s) added, 0 updated, 2 unchanged" in again.output

    done = invoke(app, "import-readings", str(readings), "--tenant", "exchange")
    assert done.exit_code == 0 and "3 reading(s) added, 0 updated, 0 unchanged" in done.output, done.output
    assert readings_of(app, world) == [
        ("XB-1", date(2026, 10, 1), Decimal("110.500"), Decimal("10.500"), False, "accepted", IMPORT),
        ("XB-1", date(2026, 11, 1), Decimal("120.500"), Decimal("10.000"), False, "accepted", IMPORT),
        ("H-13", date(2026, 11, 1), Decimal("5.000"), Decimal("15.000"), True, "accepted", IMPORT),
    ]
    repeat = invoke(app, "import-readings", str(readings), "--tenant", "exchange")
    assert "0 reading(s) added, 0 updated, 3 unchanged" in repeat.output
    assert len(readings_of(app, world)) == 3

    exported = invoke(app, "export-readings", "--tenant", "exchange", "--period", "2026-11")
    assert exported.exit_code == 0
    lines = exported.output.lstrip("\ufeff").splitlines()
    assert lines[0] == "account;building;flat;kind;serial;zone;period;value"
    assert lines[1:] == ["1000120;L5;12;cold_water;XB-1;1;2026-11;120,5", "1000130;L5;13;hot_water;H-13;1;2026-11;5"]
    # The export imports back as it is: nothing changes.
    back = tmp_path / "back.csv"
    back.write_text(exported.output, encoding="utf-8")
    assert (
        "0 reading(s) added, 0 updated, 2 unchanged"
        in invoke(app, "import-readings", str(back), "--tenant", "exchange").output
    )


def test_bad_reading_lines_are_named_and_nothing_is_written(app, housing_world, tmp_path):
    world = housing_world("exchange-bad")
    meters, readings = tmp_path / "meters.csv", tmp_path / "readings.csv"
    meters.write_text(METERS, encoding="utf-8")
    assert invoke(app, "import-meters", str(meters), "--tenant", "exchange-bad").exit_code == 0
    bad = READINGS + (
        "1000701;C-1;1;2026-11;20\n"  # the verification expired on 1 June 2026
        "1000120;XB-9;1;2026-11;1\n"
        "1000120;XB-1;2;2026-11;1\n"
        "9999999;XB-1;1;2026-11;1\n"
        "1000120;XB-1;1;ноябрь;12,3456\n"
        "1000120;XB-1;1;2026-11;121\n"
    )
    readings.write_text(bad, encoding="utf-8")
    result = invoke(app, "import-readings", str(readings), "--tenant", "exchange-bad")
    assert result.exit_code == 1
    output = result.output
    assert f"{readings}:5: The meter's verification expired on 01.06.2026" in output
    assert f"{readings}:6: the flat has no meter XB-9." in output
    assert f"{readings}:7: meter XB-1 has no tariff 2." in output
    assert f"{readings}:8: no flat is bound to account 9999999." in output
    assert f"{readings}:9: period 'ноябрь' is not a month such as 2026-11." in output
    assert f"{readings}:10: another value for this meter and month is on line 3." in output
    assert "6 bad line(s); nothing imported." in output
    assert readings_of(app, world) == []


def test_a_fall_from_the_billing_goes_to_review_and_the_upload_page_speaks_russian_and_english(
    app, housing_world, login
):
    world = housing_world("exchange-ru")
    staff = login(world.tenant, world.operator)
    url = tenant_path(world.tenant, "/housing/admin/readings/import")
    page = staff.get(url).get_data(as_text=True)
    assert "Загрузка показаний из биллинга" in page
    assert "лицевой счёт;код дома;номер квартиры;вид счётчика;заводской номер;тариф;месяц;показание" in page

    def upload(client, target, text):
        token = client.csrf_token(target)
        data = {"csrf_token": token, "file": (io.BytesIO(text.encode()), "r.csv")}
        return client.post(target, data=data, content_type="multipart/form-data")

    refused = upload(staff, url, "account;serial;zone;period;value\n1000120;XB-1;1;2026-11;abc\n")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Строка 2: Введите показание числом, например 123,45." in text
    done = upload(staff, url, "account;serial;zone;period;value\n1000120;XB-1;1;2026-11;50\n")
    assert done.status_code == 302
    assert "Добавлено показаний: 1" in staff.get(done.headers["Location"]).get_data(as_text=True)
    assert readings_of(app, world)[0][5] == REVIEW  # 50 after the initial 100: no rollover, a staff check

    english = housing_world("exchange-en", locale="en")
    en_staff = login(english.tenant, english.operator)
    en_url = tenant_path(english.tenant, "/housing/admin/readings/import")
    wrong = upload(en_staff, en_url, "serial;value\nXB-1;1\n")
    text = wrong.get_data(as_text=True)
    assert (
        wrong.status_code == 400
        and "Line 1: The first line must name the columns: account number;building code;flat number" in text
    )
    export = en_staff.get(tenant_path(english.tenant, "/housing/admin/readings/export?period=2026-11"))
    assert export.status_code == 200 and export.mimetype == "text/csv"
    assert export.get_data(as_text=True).lstrip("\ufeff").startswith("account number;building code;flat number")
    resident = login(english.tenant, english.residents["1000120"])
    assert resident.get(tenant_path(english.tenant, "/housing/admin/readings/export")).status_code in (403, 404)


def test_meters_of_another_tenant_are_not_touched_by_an_import(app, housing_world, tmp_path):
    housing_world("exchange-a")
    other = housing_world("exchange-b")
    path = tmp_path / "readings.csv"
    path.write_text("account;serial;zone;period;value\n1000120;XB-1;1;2026-11;120\n", encoding="utf-8")
    assert invoke(app, "import-readings", str(path), "--tenant", "exchange-a").exit_code == 0
    assert readings_of(app, other) == []
    with app.app_context(), tenant_scope(other.tenant.id):
        assert session.scalar(select(Meter).where(Meter.serial == "XB-1")).archived_on is None
