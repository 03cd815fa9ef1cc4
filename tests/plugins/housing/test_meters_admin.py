"""The operator's meter screens in Russian and English: the list by building with a search, a new meter with its
dates and initial values, a wrong form said in words, an edit, the archive, the CSV upload (all or nothing), and
404 for another tenant's meter or flat."""

from __future__ import annotations

import io

from sqlalchemy import select

from core.api import session, tenant_scope
from core.testing.fixtures import tenant_path
from plugins.housing.models import Meter

METERS_CSV = """building;flat;kind;serial;zones;digits;installed_on;next_verification;initial_1;initial_2
L5;13;electricity;E-7;2;6;15.01.2024;2040-01-15;1200,5;800
M7;1;hot_water;H-1;;;;;;
"""


def meters_of(app, world):
    with app.app_context(), tenant_scope(world.tenant.id):
        return {
            m.serial: (m.kind, m.zones, m.digits, m.initial_values, m.archived_on)
            for m in session.scalars(select(Meter))
        }


def test_the_operator_finds_adds_edits_and_archives_a_meter_in_russian(app, housing_world, login):
    world = housing_world("meters-ru")
    staff = login(world.tenant, world.operator)
    page = staff.get(tenant_path(world.tenant, f"/housing/admin/meters?building={world.buildings['L5']}"))
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Счётчики" in text and "ул. Ленина, 5, кв. 12" in text
    assert "Холодная вода № XB-1" in text and "кв. 1<" not in text
    found = staff.get(tenant_path(world.tenant, "/housing/admin/meters?q=XB-1")).get_data(as_text=True)
    assert "кв. 12" in found and "кв. 13" not in found

    new = tenant_path(world.tenant, f"/housing/admin/flats/{world.flats['L5/13']}/meters/new")
    wrong = staff.submit(
        new,
        {
            "kind": "cold_water",
            "serial": "",
            "zones": "2",
            "installed_on": "2026-01-01",
            "next_verification": "2025-01-01",
        },
    )
    text = wrong.get_data(as_text=True)
    assert wrong.status_code == 400
    assert "Введите заводской номер." in text and "Число тарифов этого счётчика — от 1 до 1." in text
    assert "Следующая поверка должна быть позже установки." in text
    saved = staff.submit(
        new,
        {
            "kind": "electricity",
            "serial": "E-7",
            "zones": "2",
            "digits": "6",
            "installed_on": "2024-01-15",
            "next_verification": "2040-01-15",
            "initial_1": "1200,5",
            "initial_2": "800",
        },
    )
    assert saved.status_code == 302
    assert meters_of(app, world)["E-7"] == ("electricity", 2, 6, ["1200.5", "800.0"], None)
    listed = staff.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Счётчик сохранён." in listed and "Электроэнергия № E-7" in listed and "15 января 2040" in listed

    meter_id = world.meters["XB-1"]
    edit = tenant_path(world.tenant, f"/housing/admin/meters/{meter_id}")
    assert 'value="XB-1"' in staff.get(edit).get_data(as_text=True)
    assert (
        staff.submit(
            edit, {"kind": "cold_water", "serial": "XB-1", "next_verification": "2031-05-01", "initial_1": "100"}
        ).status_code
        == 302
    )
    assert (
        staff.submit(tenant_path(world.tenant, f"/housing/admin/meters/{meter_id}/archive"), form_url=edit).status_code
        == 302
    )
    assert meters_of(app, world)["XB-1"][4] is not None
    resident = login(world.tenant, world.residents["1000120"])
    assert "XB-1" not in resident.get(tenant_path(world.tenant, "/housing/readings")).get_data(as_text=True)
    assert resident.get(tenant_path(world.tenant, "/housing/admin/meters")).status_code in (403, 404)


def test_the_meter_form_speaks_english_and_another_tenants_meter_is_not_found(app, housing_world, login):
    world = housing_world("meters-en", locale="en")
    other = housing_world("meters-other")
    staff = login(world.tenant, world.operator)
    new = tenant_path(world.tenant, f"/housing/admin/flats/{world.flats['M7/1']}/meters/new")
    wrong = staff.submit(new, {"kind": "gas", "serial": "G-1", "initial_1": "12,3456"})
    assert wrong.status_code == 400
    assert "Enter the value as a number with at most 5 digits before the point." in wrong.get_data(as_text=True)
    clash = staff.submit(
        tenant_path(world.tenant, f"/housing/admin/flats/{world.flats['L5/12']}/meters/new"),
        {"kind": "cold_water", "serial": "XB-1"},
    )
    assert clash.status_code == 400 and "The flat already has a meter of this kind with this number." in clash.get_data(
        as_text=True
    )
    assert staff.get(tenant_path(world.tenant, f"/housing/admin/meters/{other.meters['XB-1']}")).status_code == 404
    assert (
        staff.get(tenant_path(world.tenant, f"/housing/admin/flats/{other.flats['L5/12']}/meters/new")).status_code
        == 404
    )
    archive = tenant_path(world.tenant, f"/housing/admin/meters/{other.meters['XB-1']}/archive")
    assert staff.submit(archive, form_url=tenant_path(world.tenant, "/housing/admin/meters")).status_code == 404
    assert meters_of(app, other)["XB-1"][4] is None


def upload(client, url, text):
    token = client.csrf_token(url)
    return client.post(
        url,
        data={"csrf_token": token, "file": (io.BytesIO(text.encode()), "meters.csv")},
        content_type="multipart/form-data",
    )


def test_meters_are_uploaded_whole_or_refused_with_every_line_named(app, housing_world, login):
    world = housing_world("meters-upload")
    staff = login(world.tenant, world.operator)
    url = tenant_path(world.tenant, "/housing/admin/meters/import")
    bad = METERS_CSV + "L5;99;cold_water;W-9;;;;;;\nL5;12;water;W-10;;;;;;\n"
    refused = upload(staff, url, bad)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Ничего не импортировано" in text
    assert (
        "Строка 4: в доме L5 нет квартиры 99." in text
        and "Строка 5: вид счётчика: Выберите вид счётчика (один из: холодная вода, горячая вода" in text
    )
    assert set(meters_of(app, world)) == {"XB-1"}
    done = upload(staff, url, METERS_CSV)
    assert done.status_code == 302
    assert "Добавлено счётчиков: 2" in staff.get(done.headers["Location"]).get_data(as_text=True)
    assert meters_of(app, world)["E-7"] == ("electricity", 2, 6, ["1200.5", "800.0"], None)
    assert meters_of(app, world)["H-1"] == ("hot_water", 1, 5, [], None)


def test_a_file_with_russian_column_titles_and_kind_names_is_understood(app, housing_world, login):
    world = housing_world("meters-russian")
    staff = login(world.tenant, world.operator)
    url = tenant_path(world.tenant, "/housing/admin/meters/import")
    page = staff.get(url).get_data(as_text=True)
    assert "код дома;номер квартиры;вид счётчика;заводской номер;тарифов" in page
    assert "Виды счётчиков: холодная вода, горячая вода, электроэнергия, газ, отопление." in page
    russian = "Код дома;Номер квартиры;Вид счётчика;Заводской номер;Следующая поверка\n"
    russian += "L5;13;ГВС;Г-5;01.02.2031\nM7;1;Газ;Г-6;\n"
    assert upload(staff, url, russian).status_code == 302
    found = meters_of(app, world)
    assert found["Г-5"][0] == "hot_water" and found["Г-6"][0] == "gas"
