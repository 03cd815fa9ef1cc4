"""Refusals: disguised photos, and times outside working days, windows and the booking horizon."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from core.db import session, tenant_scope
from core.files.models import StoredFile
from core.testing.fixtures import tenant_path
from core.visits.models import VisitRequest
from tests.visits.conftest import PNG, SATURDAY, TODAY, TUESDAY, configure, slot


def counts(app, tenant) -> tuple[int, int]:
    with app.app_context(), tenant_scope(tenant.id):
        return (
            session.scalar(select(func.count(VisitRequest.id))),
            session.scalar(select(func.count(StoredFile.id))),
        )


def stored_files(app) -> list[Path]:
    root = Path(app.config["INSTANCE_DIR"]) / "files"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_disguised_photo_is_refused_and_nothing_is_stored(app, world, login):
    tenant = world.tenant
    alice = login(tenant, world.alice)
    disguised = b"<?php system($_GET['c']); ?>" + b"\x00" * 64
    response = alice.submit(
        tenant_path(tenant, "/visits/new"),
        {
            "account_id": str(world.ids["account"]),
            "reason": "no_tv",
            "description": "Нет картинки",
            "slot": [slot(TUESDAY, "12-15")],
            "photos": [(io.BytesIO(PNG), "ok.png"), (io.BytesIO(disguised), "holiday.jpg")],
        },
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "“holiday.jpg” is not a photo: attach JPEG, PNG, GIF or WebP images." in page
    assert "Нет картинки" in page  # the rest of the form is kept
    assert counts(app, tenant) == (0, 0)
    assert stored_files(app) == []

    too_many = alice.submit(
        tenant_path(tenant, "/visits/new"),
        {
            "account_id": "other",
            "address": "ул. Мира, 2",
            "reason": "no_tv",
            "slot": [slot(TUESDAY, "12-15")],
            "photos": [(io.BytesIO(PNG), f"{i}.png") for i in range(4)],
        },
    )
    assert too_many.status_code == 400 and "at most 3 photos" in too_many.get_data(as_text=True)
    assert counts(app, tenant) == (0, 0)


def test_the_api_refuses_times_outside_the_rules_with_field_errors(app, world, api_token):
    tenant = world.tenant
    headers = {"Authorization": f"Bearer {api_token(tenant, world.alice)}"}
    client = app.test_client()
    url = tenant_path(tenant, "/api/v1/visits")
    beyond = TODAY + timedelta(days=15)  # a Tuesday past the 14-day horizon
    body = {
        "address": "ул. Мира, 2",
        "reason": "no_internet",
        "preferred": [
            {"date": SATURDAY.isoformat(), "window": "09-12"},
            {"date": TUESDAY.isoformat(), "window": "18-21"},
            {"date": beyond.isoformat(), "window": "09-12"},
            {"date": TODAY.isoformat(), "window": "15-18"},
        ],
    }
    response = client.post(url, json=body, headers=headers)
    assert response.status_code == 422
    errors = response.get_json()["errors"]["preferred"]
    assert errors["0"]["date"] == ["Technicians do not work on this day."]
    assert errors["1"]["window"] == ["Choose one of the time windows: 09-12, 12-15, 15-18."]
    assert errors["2"]["date"] == ["Visits can be booked at most 14 days ahead."]
    assert errors["3"]["date"] == ["This day can no longer be booked; choose a later one."]

    response = client.post(url, json={"reason": "nope", "preferred": []}, headers=headers)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"address", "reason", "preferred"}
    response = client.post(url, json={"reason": "other", "preferred": [{"date": "soon"}], "extra": 1}, headers=headers)
    assert response.status_code == 422 and {"preferred", "extra"} <= set(response.get_json()["errors"])
    assert counts(app, tenant) == (0, 0)


def test_the_form_refuses_times_outside_the_rules_with_field_errors(app, world, login):
    tenant = world.tenant
    configure(app, tenant, slot_capacity=1, min_notice_days=2, horizon_days=7)
    alice = login(tenant, world.alice)
    form = alice.get(tenant_path(tenant, "/visits/new")).get_data(as_text=True)
    assert slot(TUESDAY, "09-12") not in form  # tomorrow: less than 2 days' notice
    assert slot(SATURDAY, "09-12") not in form
    assert slot(TODAY + timedelta(days=7), "09-12") in form and slot(TODAY + timedelta(days=8), "09-12") not in form
    for value, message in (
        (slot(SATURDAY, "09-12"), "Technicians do not work on this day."),
        (slot(TUESDAY, "09-12"), "Book at least 2 days ahead."),
        (slot(TODAY + timedelta(days=9), "09-12"), "Visits can be booked at most 7 days ahead."),
        (slot(TODAY + timedelta(days=3), "08-09"), "Choose one of the time windows"),
        ("tomorrow", "Choose times from the list."),
    ):
        response = alice.submit(
            tenant_path(tenant, "/visits/new"),
            {"account_id": "other", "address": "ул. Мира, 2", "reason": "other", "slot": [value]},
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 400, value
        assert message in page and 'class="error" id="preferred-error"' in page, value
    empty = alice.submit(tenant_path(tenant, "/visits/new"), {"account_id": "other", "reason": ""})
    page = empty.get_data(as_text=True)
    assert empty.status_code == 400
    for message in ("Enter the address", "Choose a reason.", "Choose at least one day and time"):
        assert message in page
    assert counts(app, tenant) == (0, 0)


def test_photos_are_stored_with_the_request(app, world, login):
    tenant = world.tenant
    alice = login(tenant, world.alice)
    response = alice.submit(
        tenant_path(tenant, "/visits/new"),
        {
            "account_id": "other",
            "address": "ул. Мира, 2",
            "reason": "other",
            "slot": [slot(TUESDAY, "09-12")],
            "photos": [(io.BytesIO(PNG), "a.png")],
        },
    )
    assert response.status_code == 302
    assert counts(app, tenant) == (1, 1)
    assert len(stored_files(app)) == 1
