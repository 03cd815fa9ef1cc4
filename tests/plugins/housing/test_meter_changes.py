"""A meter with readings keeps its kind, its number of tariffs and its digits: the operator's form, the CSV
import (a line-numbered problem, on the command line and the upload page) refuse the change and offer the
replacement path (archive the meter, add the new one with its initial values); a meter without readings may still
change; a corrected initial value is followed by the use of the first reading."""

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
from plugins.housing.models import Meter, Reading

REPLACE_RU = "Если счётчик заменили, перенесите его в архив и добавьте новый счётчик с начальными показаниями."


def add_reading(app, world, serial: str, value: str, use: str | None, zone: int = 1) -> None:
    with app.app_context(), tenant_scope(world.tenant.id):
        meter = session.scalar(select(Meter).where(Meter.serial == serial))
        session.add(
            Reading(
                meter_id=meter.id,
                zone=zone,
                period=date(2026, 11, 1),
                value=Decimal(value),
                use=Decimal(use) if use is not None else None,
            )
        )
        session.commit()


def meter(app, world, serial: str):
    with app.app_context(), tenant_scope(world.tenant.id):
        found = session.scalar(select(Meter).where(Meter.serial == serial))
        return found.kind, found.zones, found.digits, found.initial_values, found.archived_on


def invoke(app, *args):
    return CliRunner().invoke(cli, ["housing", *args], obj=ScriptInfo(create_app=lambda: app))


def test_the_meter_form_refuses_new_digits_or_kind_once_readings_exist_and_offers_the_replacement(
    app, housing_world, login
):
    world = housing_world("meter-kept")
    add_reading(app, world, "XB-1", "105", "5")
    staff = login(world.tenant, world.operator)
    edit = tenant_path(world.tenant, f"/housing/admin/meters/{world.meters['XB-1']}")
    refused = staff.submit(edit, {"kind": "cold_water", "serial": "XB-1", "digits": "6", "initial_1": "100"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "У счётчика есть показания, поэтому число знаков до запятой изменить нельзя." in text
    assert REPLACE_RU in text and "Перенести счётчик в архив" in text  # the archive button is on the same page
    assert 'value="6"' in text  # what was typed is kept
    kind = staff.submit(edit, {"kind": "hot_water", "serial": "XB-1", "initial_1": "100"})
    assert kind.status_code == 400
    assert "У счётчика есть показания, поэтому вид счётчика изменить нельзя." in kind.get_data(as_text=True)
    assert meter(app, world, "XB-1")[:3] == ("cold_water", 1, 5)

    # What a meter with readings may still change: the verification date.
    fine = staff.submit(
        edit, {"kind": "cold_water", "serial": "XB-1", "next_verification": "2031-05-01", "initial_1": "100"}
    )
    assert fine.status_code == 302

    # A meter without readings may still be corrected.
    new = staff.submit(
        tenant_path(world.tenant, f"/housing/admin/flats/{world.flats['L5/13']}/meters/new"),
        {"kind": "electricity", "serial": "E-7", "zones": "2", "digits": "6"},
    )
    assert new.status_code == 302
    e7 = session_id(app, world, "E-7")
    changed = staff.submit(
        tenant_path(world.tenant, f"/housing/admin/meters/{e7}"),
        {"kind": "electricity", "serial": "E-7", "zones": "3", "digits": "7"},
    )
    assert changed.status_code == 302 and meter(app, world, "E-7")[1:3] == (3, 7)


def session_id(app, world, serial: str) -> int:
    with app.app_context(), tenant_scope(world.tenant.id):
        return session.scalar(select(Meter.id).where(Meter.serial == serial))


def test_the_meter_import_names_the_line_of_a_changed_tariff_count_and_the_replacement_goes_through(
    app, housing_world, login, tmp_path
):
    world = housing_world("meter-kept-import")
    path = tmp_path / "meters.csv"
    path.write_text("building;flat;kind;serial;zones;digits\nL5;13;electricity;E-7;2;6\n", encoding="utf-8")
    assert invoke(app, "import-meters", str(path), "--tenant", world.tenant.slug).exit_code == 0
    add_reading(app, world, "E-7", "1200", None, zone=1)
    add_reading(app, world, "E-7", "800", None, zone=2)

    path.write_text(
        "building;flat;kind;serial;zones;digits\nL5;12;cold_water;XB-9;1;5\nL5;13;electricity;E-7;1;6\n",
        encoding="utf-8",
    )
    refused = invoke(app, "import-meters", str(path), "--tenant", world.tenant.slug)
    assert refused.exit_code == 1
    assert (
        f"{path}:3: zones: The meter has readings, so its number of tariffs cannot change. If the meter was "
        "replaced, archive it and add the new meter with its initial values." in refused.output
    )
    assert "1 bad line(s); nothing imported." in refused.output
    assert meter(app, world, "E-7")[1] == 2
    with app.app_context(), tenant_scope(world.tenant.id):
        assert session.scalar(select(Meter).where(Meter.serial == "XB-9")) is None  # all or nothing

    # The upload page says it in Russian, with the line.
    staff = login(world.tenant, world.operator)
    url = tenant_path(world.tenant, "/housing/admin/meters/import")
    token = staff.csrf_token(url)
    page = staff.post(
        url,
        data={"csrf_token": token, "file": (io.BytesIO(path.read_bytes()), "meters.csv")},
        content_type="multipart/form-data",
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "Строка 3: тарифов: У счётчика есть показания, поэтому число тарифов изменить нельзя." in text
    assert REPLACE_RU in text

    # The replacement: the old meter archived, the new one added with its initial values.
    archive = tenant_path(world.tenant, f"/housing/admin/meters/{session_id(app, world, 'E-7')}/archive")
    assert staff.submit(archive, form_url=tenant_path(world.tenant, "/housing/admin/meters")).status_code == 302
    path.write_text("building;flat;kind;serial;zones;digits;initial_1\nL5;13;electricity;E-8;1;6;0\n", encoding="utf-8")
    done = invoke(app, "import-meters", str(path), "--tenant", world.tenant.slug)
    assert done.exit_code == 0 and "1 meter(s) added" in done.output
    assert meter(app, world, "E-8")[:4] == ("electricity", 1, 6, ["0.0"])
    assert meter(app, world, "E-7")[4] is not None


def test_a_corrected_initial_value_restates_the_first_readings_use(app, housing_world, login):
    world = housing_world("meter-initial")
    add_reading(app, world, "XB-1", "105", "5")
    staff = login(world.tenant, world.operator)
    edit = tenant_path(world.tenant, f"/housing/admin/meters/{world.meters['XB-1']}")
    assert staff.submit(edit, {"kind": "cold_water", "serial": "XB-1", "initial_1": "98"}).status_code == 302
    with app.app_context(), tenant_scope(world.tenant.id):
        reading = session.scalar(select(Reading).where(Reading.meter_id == world.meters["XB-1"]))
        assert (reading.value, reading.use) == (Decimal("105.000"), Decimal("7.000"))
