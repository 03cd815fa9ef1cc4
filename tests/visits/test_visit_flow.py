"""A visit from request to rating on the website; slot capacity; cancelling frees the slot."""

from __future__ import annotations

import re

from sqlalchemy import select

from core.db import session, tenant_scope
from core.notify.models import Notification
from core.testing.fixtures import tenant_path
from core.visits.models import CANCELLED, DONE, SCHEDULED
from tests.visits.conftest import TUESDAY, WEDNESDAY, slot, visit_row


def ask(client, tenant, slots, **fields):
    data = {"account_id": "other", "address": "ул. Мира, 2", "reason": "no_internet", "slot": slots}
    data.update(fields)
    return client.submit(tenant_path(tenant, "/visits/new"), data)


def created_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return int(re.search(r"/visits/(\d+)$", response.headers["Location"]).group(1))


def schedule(client, tenant, visit_id, day, window, technician_id):
    return client.submit(
        tenant_path(tenant, f"/admin/visits/{visit_id}/schedule"),
        {"slot_date": day.isoformat(), "slot_window": window, "technician_id": str(technician_id)},
        form_url=tenant_path(tenant, f"/admin/visits/{visit_id}"),
    )


def finish(client, tenant, visit_id, outcome, comment=""):
    return client.submit(
        tenant_path(tenant, f"/admin/visits/{visit_id}/result"),
        {"outcome": outcome, "result_comment": comment},
        form_url=tenant_path(tenant, f"/admin/visits/{visit_id}"),
    )


def test_requested_scheduled_full_done_and_rated(app, world, login):
    tenant = world.tenant
    alice, bob, staff = login(tenant, world.alice), login(tenant, world.bob), login(tenant, world.operator)

    form = alice.get(tenant_path(tenant, "/visits/new")).get_data(as_text=True)
    assert "ул. Ленина, 1, кв. 5" in form and slot(TUESDAY, "09-12") in form
    first = created_id(
        ask(alice, tenant, [slot(TUESDAY, "09-12"), slot(TUESDAY, "12-15")], account_id=str(world.ids["account"]))
    )
    row = visit_row(app, tenant, first)
    assert (row.status, row.address, row.personal_account_id) == (
        "requested",
        "ул. Ленина, 1, кв. 5",
        world.ids["account"],
    )
    assert row.preferred == [{"date": "2030-01-08", "window": "09-12"}, {"date": "2030-01-08", "window": "12-15"}]
    second = created_id(ask(bob, tenant, [slot(TUESDAY, "09-12")]))

    assert staff.get(tenant_path(tenant, "/admin/visits?status=requested")).status_code == 200
    assert schedule(staff, tenant, first, TUESDAY, "09-12", world.operator.id).status_code == 302
    row = visit_row(app, tenant, first)
    assert (row.status, row.slot_date, row.slot_window, row.technician_id) == (
        SCHEDULED,
        TUESDAY,
        "09-12",
        world.operator.id,
    )
    with app.app_context(), tenant_scope(tenant.id):
        kinds = session.scalars(select(Notification.kind).where(Notification.user_id == world.alice.id)).all()
    assert kinds == ["visit_scheduled"]
    page = alice.get(tenant_path(tenant, f"/visits/{first}")).get_data(as_text=True)
    assert "Мастер Сергей" in page and "09-12" in page

    # Capacity 1: the slot is now full for everyone else, in the form and in the service.
    form = bob.get(tenant_path(tenant, "/visits/new")).get_data(as_text=True)
    assert re.search(rf'value="{re.escape(slot(TUESDAY, "09-12"))}"[^>]*disabled', form)
    refused = ask(bob, tenant, [slot(TUESDAY, "09-12")])
    assert refused.status_code == 400 and "fully booked" in refused.get_data(as_text=True)
    full = schedule(staff, tenant, second, TUESDAY, "09-12", world.operator.id)
    assert full.status_code == 400 and "This slot is full" in full.get_data(as_text=True)
    assert visit_row(app, tenant, second).status == "requested"
    assert schedule(staff, tenant, second, TUESDAY, "12-15", world.operator.id).status_code == 302

    # Not rated before it is done; "not done" needs a comment.
    early = alice.submit(tenant_path(tenant, f"/visits/{first}/rate"), {"rating": "5"})
    assert early.status_code == 302 and visit_row(app, tenant, first).rating is None
    assert finish(staff, tenant, first, "not_done").status_code == 400
    assert finish(staff, tenant, first, "done", "Заменили коннектор").status_code == 302
    row = visit_row(app, tenant, first)
    assert (row.status, row.result_comment) == (DONE, "Заменили коннектор")
    # A done visit still holds its slot.
    assert ask(bob, tenant, [slot(TUESDAY, "09-12")]).status_code == 400

    bad = alice.submit(tenant_path(tenant, f"/visits/{first}/rate"), {"rating": "9"})
    assert bad.status_code == 400 and "Rate from 1 to 5" in bad.get_data(as_text=True)
    rated = alice.submit(tenant_path(tenant, f"/visits/{first}/rate"), {"rating": "5", "rating_comment": "Быстро"})
    assert rated.status_code == 302
    again = alice.submit(tenant_path(tenant, f"/visits/{first}/rate"), {"rating": "1"}, follow_redirects=True)
    assert "already rated" in again.get_data(as_text=True)
    row = visit_row(app, tenant, first)
    assert (row.rating, row.rating_comment) == (5, "Быстро")
    # Bob cannot rate or cancel Alice's visit.
    assert (
        bob.submit(
            tenant_path(tenant, f"/visits/{first}/rate"), {"rating": "1"}, form_url=tenant_path(tenant, "/visits/")
        ).status_code
        == 404
    )


def test_cancelling_a_scheduled_visit_frees_the_slot(app, world, login):
    tenant = world.tenant
    alice, bob, staff = login(tenant, world.alice), login(tenant, world.bob), login(tenant, world.operator)
    first = created_id(ask(alice, tenant, [slot(WEDNESDAY, "15-18")]))
    second = created_id(ask(bob, tenant, [slot(WEDNESDAY, "12-15")]))
    assert schedule(staff, tenant, first, WEDNESDAY, "15-18", world.operator.id).status_code == 302
    assert schedule(staff, tenant, second, WEDNESDAY, "15-18", world.operator.id).status_code == 400

    cancelled = alice.submit(
        tenant_path(tenant, f"/visits/{first}/cancel"), {}, form_url=tenant_path(tenant, f"/visits/{first}")
    )
    assert cancelled.status_code == 302
    assert visit_row(app, tenant, first).status == CANCELLED
    assert slot(WEDNESDAY, "15-18") in bob.get(tenant_path(tenant, "/visits/new")).get_data(as_text=True)
    assert schedule(staff, tenant, second, WEDNESDAY, "15-18", world.operator.id).status_code == 302
    assert visit_row(app, tenant, second).status == SCHEDULED
    # A cancelled visit cannot be cancelled again or scheduled.
    again = alice.submit(
        tenant_path(tenant, f"/visits/{first}/cancel"),
        {},
        form_url=tenant_path(tenant, "/visits/"),
        follow_redirects=True,
    )
    assert "can no longer be cancelled" in again.get_data(as_text=True)
    assert schedule(staff, tenant, first, WEDNESDAY, "09-12", world.operator.id).status_code == 302
    assert visit_row(app, tenant, first).status == CANCELLED


def test_operator_must_choose_a_staff_technician_and_a_working_slot(app, world, login):
    tenant = world.tenant
    alice, staff = login(tenant, world.alice), login(tenant, world.operator)
    visit_id = created_id(ask(alice, tenant, [slot(TUESDAY, "09-12")]))
    page = schedule(staff, tenant, visit_id, TUESDAY, "09-12", world.bob.id)  # a subscriber is no technician
    assert page.status_code == 400 and "Choose a technician" in page.get_data(as_text=True)
    page = schedule(staff, tenant, visit_id, TUESDAY.replace(day=12), "09-12", world.admin.id)  # Saturday
    assert page.status_code == 400 and "do not work on this day" in page.get_data(as_text=True)
    page = schedule(staff, tenant, visit_id, TUESDAY, "18-21", world.admin.id)
    assert page.status_code == 400 and "Choose one of the time windows" in page.get_data(as_text=True)
    assert visit_row(app, tenant, visit_id).status == "requested"
    assert schedule(staff, tenant, visit_id, TUESDAY, "09-12", world.admin.id).status_code == 302
    assert visit_row(app, tenant, visit_id).technician_id == world.admin.id
