"""The settings page: defaults, field errors, saving; what subscribers can book follows it."""

from __future__ import annotations

from core.testing.fixtures import tenant_path
from core.visits.settings import VisitSettings
from tests.visits.conftest import SATURDAY, slot

SETTINGS = "/admin/visits/settings"


def test_defaults():
    values = VisitSettings().load({})
    assert values["windows"] == ["09-12", "12-15", "15-18"]
    assert values["working_days"] == [1, 2, 3, 4, 5]
    assert (values["slot_capacity"], values["horizon_days"], values["min_notice_days"]) == (2, 14, 1)
    assert [r["code"] for r in values["reasons"]] == ["no_internet", "no_tv", "equipment", "other"]


def test_settings_page_shows_field_errors_and_saves(app, world, login):
    tenant = world.tenant
    admin = login(tenant, world.admin)
    page = admin.get(tenant_path(tenant, SETTINGS)).get_data(as_text=True)
    assert "no_internet: Нет интернета" in page and 'name="slot_capacity"' in page

    bad = admin.submit(
        tenant_path(tenant, SETTINGS),
        {
            "reasons": "no_internet: Нет интернета\nбез двоеточия",
            "working_days": ["1"],
            "windows": "09-12, 12-09",
            "slot_capacity": "0",
            "horizon_days": "5",
            "min_notice_days": "6",
        },
    )
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "Line 2: write the code, a colon and the title." in text
    bad = admin.submit(
        tenant_path(tenant, SETTINGS),
        {
            "reasons": "no_internet: Нет интернета",
            "working_days": [],
            "windows": "09-12, 12-09",
            "slot_capacity": "0",
            "horizon_days": "5",
            "min_notice_days": "6",
        },
    )
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400
    for field in ("working_days", "windows", "slot_capacity", "min_notice_days"):
        assert f'id="{field}-error"' in text, field
    assert "12-09: the window must end after it starts" in text

    saved = admin.submit(
        tenant_path(tenant, SETTINGS),
        {
            "reasons": "no_internet: Нет интернета\nroof: Антенна на крыше",
            "working_days": ["1", "2", "3", "4", "5", "6"],
            "windows": "10-14 14-18",
            "slot_capacity": "3",
            "horizon_days": "7",
            "min_notice_days": "1",
        },
    )
    assert saved.status_code == 302
    form = login(tenant, world.alice).get(tenant_path(tenant, "/visits/new")).get_data(as_text=True)
    assert "Антенна на крыше" in form and slot(SATURDAY, "10-14") in form and "09-12" not in form

    # Operators manage visits too; subscribers do not.
    assert login(tenant, world.operator).get(tenant_path(tenant, SETTINGS)).status_code == 200
    assert login(tenant, world.alice).get(tenant_path(tenant, SETTINGS)).status_code == 403
