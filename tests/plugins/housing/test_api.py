"""The housing API for the mobile app: flats, meters, readings (submit by the page's rules, history) and accruals
with their traces; another flat's or tenant's objects answer 404; hostile bodies answer 400/422 JSON, never 500."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.api import grant_access, open_account, session, tenant_scope
from core.identity.models import User
from core.testing.fixtures import tenant_path
from plugins.housing.accruals.run import run_period
from plugins.housing.models import AccountPremises, Building, HousingService, Meter, Premises, Reading
from tests.plugins.housing.clock import on

TODAY = date(2026, 12, 21)
WATER = {
    "code": "cold_water",
    "title": "Холодная вода",
    "unit": "м³",
    "method": "metered",
    "meter_kind": "cold_water",
    "tariffs": [["2026-01-01", "4567"]],
    "norms": [["2020-01-01", "6.935"]],
}
MAINTENANCE = {
    "code": "maintenance",
    "title": "Содержание жилья",
    "unit": "м²",
    "method": "per_area",
    "tariffs": [["2026-01-01", "2850"]],
}


@pytest.fixture
def house(app, make_tenant, make_user, enable_plugin, api_token):
    """A resident with two flats (a water meter with three months of readings in each), a neighbour, accruals
    for November and December; returns a dict of ids and the resident's and neighbour's headers."""

    def make(slug: str, locale: str = "ru"):
        tenant = make_tenant(slug, login_identifier="contract", locale=locale)
        enable_plugin(tenant, "housing")
        resident = make_user(tenant, "1000120", roles=("subscriber",))
        neighbour = make_user(tenant, "1000130", roles=("subscriber",))
        ids: dict = {"tenant": tenant}
        with app.app_context(), tenant_scope(tenant.id):
            session.add_all([HousingService(**WATER), HousingService(**MAINTENANCE)])
            building = Building(code="L5", address="ул. Ленина, 5", total_area=Decimal(6000))
            session.add(building)
            session.flush()
            for number, login, user, area in (
                ("12", "1000120", resident, "54.3"),
                ("14", "1000121", resident, "40"),
                ("13", "1000130", neighbour, "41"),
            ):
                flat = Premises(building_id=building.id, number=number, area=Decimal(area), residents=2)
                session.add(flat)
                session.flush()
                account = open_account(login, holder_name=login)
                session.flush()
                grant_access(session.get(User, user.id), account)
                session.add(AccountPremises(personal_account_id=account.id, premises_id=flat.id))
                meter = Meter(
                    premises_id=flat.id, kind="cold_water", serial=f"XB-{number}", digits=5, initial_values=["100"]
                )
                session.add(meter)
                session.flush()
                for month, value in ((10, "104"), (11, "109"), (12, "113.5")):
                    previous = {10: Decimal(100), 11: Decimal(104), 12: Decimal(109)}[month]
                    session.add(
                        Reading(
                            meter_id=meter.id,
                            period=date(2026, month, 1),
                            value=Decimal(value),
                            use=Decimal(value) - previous,
                        )
                    )
                ids[number] = {"account": account.id, "meter": meter.id, "flat": flat.id}
            session.flush()
            run_period(date(2026, 11, 1))
            run_period(date(2026, 12, 1))
            session.commit()
        ids["headers"] = {"Authorization": f"Bearer {api_token(tenant, resident)}"}
        ids["neighbour"] = {"Authorization": f"Bearer {api_token(tenant, neighbour)}"}
        return ids

    return make


def api(tenant, path: str) -> str:
    return tenant_path(tenant, "/api/v1/housing" + path)


def send(client, ids, number: str, body, **kw):
    path = api(ids["tenant"], f"/accounts/{ids[number]['account']}/meters/{ids[number]['meter']}/readings")
    with on(TODAY):
        return client.post(path, json=body, headers=ids["headers"], **kw)


def test_the_resident_lists_both_flats_their_meters_and_history(app, house):
    ids = house("api-flats")
    client = app.test_client()
    flats = client.get(api(ids["tenant"], "/flats"), headers=ids["headers"]).get_json()["flats"]
    assert [(f["number"], f["address"], f["account_number"]) for f in flats] == [
        ("12", "ул. Ленина, 5", "1000120"),
        ("14", "ул. Ленина, 5", "1000121"),
    ]
    meters = client.get(api(ids["tenant"], f"/accounts/{ids['12']['account']}/meters"), headers=ids["headers"])
    [meter] = meters.get_json()["meters"]
    assert meter["serial"] == "XB-12" and meter["kind_text"] == "Холодная вода"
    assert meter["last"] == [{"zone": 1, "value": "113.500", "period": "2026-12"}]
    assert meter["verification_expired"] is False
    history = client.get(
        api(ids["tenant"], f"/accounts/{ids['12']['account']}/meters/{ids['12']['meter']}/readings"),
        headers=ids["headers"],
    ).get_json()
    assert [(r["period"], r["value"], r["use"]) for r in history["readings"]] == [
        ("2026-12", "113.500", "4.500"),
        ("2026-11", "109.000", "5.000"),
        ("2026-10", "104.000", "4.000"),
    ]


def test_a_reading_with_a_comma_is_written_by_the_page_rules_and_a_correction_replaces_it(app, house):
    ids = house("api-submit")
    client = app.test_client()
    # Day 21 is inside the default window (20–25): the reading counts for December and corrects 113.5.
    saved = send(client, ids, "14", {"values": ["115,25"]})
    assert saved.status_code == 201, saved.get_json()
    assert saved.get_json()["readings"][0] | {"submitted_at": None} == {
        "zone": 1,
        "period": "2026-12",
        "value": "115.250",
        "use": "6.250",
        "rollover": False,
        "status": "accepted",
        "source": "resident",
        "submitted_at": None,
    }
    lower = send(client, ids, "14", {"values": ["90"]})  # falls, and is no rollover: accepted for review
    assert lower.status_code == 201
    assert lower.get_json()["readings"][0]["status"] == "review"
    assert "проверит" in " ".join(lower.get_json()["messages"])
    history = client.get(
        api(ids["tenant"], f"/accounts/{ids['14']['account']}/meters/{ids['14']['meter']}/readings"),
        headers=ids["headers"],
    ).get_json()["readings"]
    assert [(r["period"], r["value"]) for r in history][:2] == [("2026-12", "90.000"), ("2026-11", "109.000")]


def test_an_unusual_jump_asks_to_confirm_and_an_expired_verification_is_refused_with_the_reason(app, house):
    ids = house("api-rules", locale="en")
    client = app.test_client()
    jump = send(client, ids, "12", {"values": ["200"]})
    assert jump.status_code == 409
    assert jump.get_json()["reasons"][0]["code"] == "confirm"
    assert "much more than you usually use (about 4,5 a month)" in jump.get_json()["message"]
    confirmed = send(client, ids, "12", {"values": ["200"], "confirmed": True})
    assert confirmed.status_code == 201 and confirmed.get_json()["readings"][0]["status"] == "review"
    with app.app_context(), tenant_scope(ids["tenant"].id):
        session.get(Meter, ids["14"]["meter"]).next_verification = date(2026, 11, 30)
        session.commit()
    expired = send(client, ids, "14", {"values": ["115"]})
    assert expired.status_code == 409
    body = expired.get_json()
    assert [r["code"] for r in body["reasons"]] == ["verification_expired", "verification_expired"]
    assert "expired on 30.11.2026" in body["message"] and "then the norm" in body["message"]
    meters = client.get(api(ids["tenant"], f"/accounts/{ids['14']['account']}/meters"), headers=ids["headers"])
    assert meters.get_json()["meters"][0]["verification_expired"] is True


def test_accruals_list_the_months_and_each_line_carries_its_trace_and_change(app, house):
    ids = house("api-accruals")
    client = app.test_client()
    account = ids["12"]["account"]
    periods = client.get(api(ids["tenant"], f"/accounts/{account}/accruals"), headers=ids["headers"]).get_json()
    # maintenance 54.3 × 28.50 = 1547.55 ₽; water 5 m³ × 45.67 = 228.35 ₽ (November), 4.5 m³ = 205.52 ₽ (December)
    assert periods["periods"] == [
        {"period": "2026-12", "total": 154755 + 20552},
        {"period": "2026-11", "total": 154755 + 22835},
    ]
    december = client.get(
        api(ids["tenant"], f"/accounts/{account}/accruals/2026-12"), headers=ids["headers"]
    ).get_json()
    water = next(line for line in december["lines"] if line["service"] == "cold_water")
    assert (water["title"], water["amount"], water["change"]) == ("Холодная вода", 20552, 20552 - 22835)
    assert water["trace"]["method"] == "metered" and water["trace"]["method_text"].startswith("по счётчику")
    assert {"name": "volume", "label": "объём", "value": "4.500"} in water["trace"]["inputs"]
    assert water["trace"]["pieces"][0]["price"] == "4567" and water["trace"]["pieces"][0]["price_from"] == "2026-01-01"
    empty = client.get(api(ids["tenant"], f"/accounts/{account}/accruals/2025-01"), headers=ids["headers"])
    assert empty.get_json() == {"period": "2025-01", "total": 0, "lines": []}
    for bad in ("2026-13", "26-12", "december"):
        wrong = client.get(api(ids["tenant"], f"/accounts/{account}/accruals/{bad}"), headers=ids["headers"])
        assert wrong.status_code == 404 and wrong.is_json


def test_another_flats_and_another_tenants_objects_answer_404(app, house):
    ids = house("api-mine")
    other = house("api-other")
    client = app.test_client()
    theirs = ids["13"]  # the neighbour's flat in the same building
    mixed = ids["12"]["account"], ids["13"]["meter"]  # my account, the neighbour's meter
    foreign = other["12"]  # the same numbers in another tenant
    paths = [
        f"/accounts/{theirs['account']}/meters",
        f"/accounts/{theirs['account']}/meters/{theirs['meter']}/readings",
        f"/accounts/{mixed[0]}/meters/{mixed[1]}/readings",
        f"/accounts/{theirs['account']}/accruals",
        f"/accounts/{theirs['account']}/accruals/2026-12",
        f"/accounts/{foreign['account']}/meters",
        f"/accounts/{foreign['account']}/accruals/2026-12",
        f"/accounts/{foreign['account']}/meters/{foreign['meter']}/readings",
        "/accounts/2147483647/meters",
        "/accounts/99999999999999999999/meters",
    ]
    for path in paths:
        answer = client.get(api(ids["tenant"], path), headers=ids["headers"])
        assert answer.status_code == 404 and answer.is_json, path
    with on(TODAY):
        for account, meter in ((theirs["account"], theirs["meter"]), mixed, (foreign["account"], foreign["meter"])):
            posted = client.post(
                api(ids["tenant"], f"/accounts/{account}/meters/{meter}/readings"),
                json={"values": "not even a list"},
                headers=ids["headers"],
            )
            assert posted.status_code == 404 and posted.is_json  # found first: never 422 for another's meter
    assert client.get(api(ids["tenant"], "/flats")).status_code == 401
    with app.app_context(), tenant_scope(ids["tenant"].id):
        assert session.get(Reading, 1) is not None  # nothing else happened; the database is intact


HOSTILE = [
    {},
    {"values": None},
    {"values": "105,5"},
    {"values": 105.5},
    {"values": [105.5]},
    {"values": [True]},
    {"values": [None]},
    {"values": [{"zone": 1}]},
    {"values": [[1, 2]]},
    {"values": []},
    {"values": ["1", "2", "3", "4"]},
    {"values": ["1", "2"]},  # a one-zone meter
    {"values": [""]},
    {"values": ["1" * 21]},
    {"values": ["99999999999999999999"]},
    {"values": ["1e5"]},
    {"values": ["-5"]},
    {"values": ["12,3456"]},
    {"values": ["1,2,3"]},
    {"values": ["12,,3"]},
    {"values": ["NaN"]},
    {"values": ["Infinity"]},
    {"values": ["١٢٣"]},  # Arabic-Indic digits
    {"values": ["12 345"]},
    {"values": ["114"], "confirmed": "maybe"},
    {"values": ["114"], "confirmed": [1]},
    {"values": ["114"], "extra": 1},
    ["114"],
    "114",
    12345,
    None,
]


def test_hostile_bodies_answer_400_or_422_json_and_write_nothing(app, house):
    ids = house("api-hostile")
    client = app.test_client()
    for body in HOSTILE:
        answer = send(client, ids, "12", body)
        assert answer.status_code in (400, 422), (body, answer.status_code, answer.get_data(as_text=True)[:500])
        assert answer.is_json and answer.get_json()["code"] in (400, 422), body
    with app.app_context(), tenant_scope(ids["tenant"].id):
        values = [r.value for r in session.query(Reading).filter_by(meter_id=ids["12"]["meter"])]
        assert sorted(values) == [Decimal("104"), Decimal("109"), Decimal("113.5")]
    typed = send(client, ids, "12", {"values": ["12,3456"]}).get_json()
    assert typed["errors"] == {"values": {"0": ["Введите показание числом, например 123,45."]}}


def test_raw_hostile_payloads_answer_400_json(app, house):
    ids = house("api-raw")
    client = app.test_client()
    for raw in (
        b'{"values": ["1"]',  # truncated
        b'{"values": [1e999]}',  # an infinite number
        b'{"values": [123456789012345678901234567890]}',
        b'{"values": ["\\u0000"]}',
        b"[" * 100 + b"]" * 100,
        '{"values": ["\xff"]}'.encode("latin-1"),
    ):
        answer = send(client, ids, "12", None, data=raw, content_type="application/json")
        assert answer.status_code in (400, 422) and answer.is_json, (raw[:40], answer.status_code)


def test_the_housing_api_is_in_the_openapi_document(app, house):
    ids = house("api-doc", locale="en")
    spec = app.test_client().get(tenant_path(ids["tenant"], "/api/v1/openapi.json")).get_json()
    paths = {path: set(ops) - {"parameters"} for path, ops in spec["paths"].items() if "/api/v1/housing/" in path}
    assert paths == {
        "/api/v1/housing/flats": {"get"},
        "/api/v1/housing/accounts/{account_id}/meters": {"get"},
        "/api/v1/housing/accounts/{account_id}/meters/{meter_id}/readings": {"get", "post"},
        "/api/v1/housing/accounts/{account_id}/accruals": {"get"},
        "/api/v1/housing/accounts/{account_id}/accruals/{period}": {"get"},
    }
    post = spec["paths"]["/api/v1/housing/accounts/{account_id}/meters/{meter_id}/readings"]["post"]
    assert {"201", "404", "409", "422"} <= set(post["responses"]) and post["security"] == [{"bearer": []}]
