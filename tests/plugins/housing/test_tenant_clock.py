"""The readings window and the reminders go by the tenant's calendar, not UTC's: at 23:30 UTC on 25 December it
is already the 26th in Moscow (a reading counts for January), while in New York it is still the 25th."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from core.api import cross_tenant, find_account, session, tenant_scope
from core.jobs.registry import run_job
from core.notify.models import Notification
from core.tenants.models import Tenant
from core.testing.fixtures import tenant_path
from plugins.housing.models import Reading
from tests.plugins.housing.clock import at

LATE_ON_THE_25TH = datetime(2026, 12, 25, 23, 30, tzinfo=UTC)  # Moscow: 26 December, 02:30; New York: 25th, 18:30


def periods(app, world):
    with app.app_context(), tenant_scope(world.tenant.id):
        return [r.period for r in session.scalars(select(Reading).where(Reading.meter_id == world.meters["XB-1"]))]


def move(app, world, zone: str) -> None:
    with app.app_context(), cross_tenant():
        session.get(Tenant, world.tenant.id).timezone = zone
        session.commit()


def test_after_the_window_closes_in_moscow_a_reading_counts_for_next_month_though_utc_is_still_on_the_25th(
    app, housing_world, login
):
    world = housing_world("clock-moscow")  # Europe/Moscow, the default
    client = login(world.tenant, world.residents["1000120"])
    with at(LATE_ON_THE_25TH):
        saved = client.submit(
            tenant_path(world.tenant, "/housing/readings"), {"meter_id": str(world.meters["XB-1"]), "zone_1": "105"}
        )
    assert saved.status_code == 302
    page = client.get(tenant_path(world.tenant, "/housing/readings")).get_data(as_text=True)
    assert "эти будут учтены в следующем месяце" in page
    assert periods(app, world) == [date(2027, 1, 1)]


def test_in_new_york_the_same_moment_is_still_inside_the_window(app, housing_world, login):
    world = housing_world("clock-new-york")
    move(app, world, "America/New_York")
    client = login(world.tenant, world.residents["1000120"])
    with at(LATE_ON_THE_25TH):
        saved = client.submit(
            tenant_path(world.tenant, "/housing/readings"), {"meter_id": str(world.meters["XB-1"]), "zone_1": "105"}
        )
    assert saved.status_code == 302
    assert periods(app, world) == [date(2026, 12, 1)]


def test_the_api_and_the_operators_phone_entry_use_the_tenants_day(app, housing_world, login, api_token):
    world = housing_world("clock-api")
    headers = {"Authorization": f"Bearer {api_token(world.tenant, world.residents['1000120'])}"}
    with app.app_context(), tenant_scope(world.tenant.id):
        account_id = find_account("1000120").id
    path = tenant_path(world.tenant, f"/api/v1/housing/accounts/{account_id}/meters/{world.meters['XB-1']}/readings")
    with at(LATE_ON_THE_25TH):
        sent = app.test_client().post(path, json={"values": ["104"]}, headers=headers)
    assert sent.status_code == 201, sent.get_json()
    assert sent.get_json()["readings"][0]["period"] == "2027-01"
    assert "учтены в следующем месяце" in " ".join(sent.get_json()["messages"])

    staff = login(world.tenant, world.operator)
    phone = tenant_path(world.tenant, "/housing/admin/readings/phone?account=1000120")
    with at(datetime(2026, 12, 20, 21, 30, tzinfo=UTC)):  # Moscow: 21 December, 00:30
        staff.submit(
            phone, {"account": "1000120", "meter_id": str(world.meters["XB-1"]), "value": "103"}, form_url=phone
        )
    assert sorted(periods(app, world)) == [date(2026, 12, 1), date(2027, 1, 1)]


def test_the_window_closes_tomorrow_reminder_comes_on_the_tenants_24th(app, housing_world):
    world = housing_world("clock-remind")
    # 22:00 UTC on the 23rd is 01:00 on the 24th in Moscow: the day before the window closes.
    run_job(app, "housing.reminders", now=datetime(2026, 12, 23, 22, 0, tzinfo=UTC), tenant=world.tenant.slug)
    with app.app_context(), tenant_scope(world.tenant.id):
        titles = list(
            session.scalars(
                select(Notification.title).where(
                    Notification.user_id == world.residents["1000120"].id, Notification.kind == "housing_readings"
                )
            )
        )
    assert titles == ["Приём показаний счётчиков заканчивается завтра"]
