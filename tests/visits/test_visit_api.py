"""The subscriber's API: free slots, request, list, get, cancel, rate; JSON errors."""

from __future__ import annotations

from core.db import session, tenant_scope
from core.testing.fixtures import tenant_path
from core.visits import service
from core.visits.models import VisitRequest
from tests.visits.conftest import TUESDAY, WEDNESDAY, visit_row


def operator_schedules(app, world, visit_id, day, window):
    from core.identity.models import User

    with app.test_request_context(), tenant_scope(world.tenant.id):
        from core.tenants.models import Tenant

        tenant = session.get(Tenant, world.tenant.id)
        service.schedule(tenant, session.get(VisitRequest, visit_id), day, window, world.operator.id)
        session.commit()
        return session.get(User, world.alice.id)


def operator_finishes(app, world, visit_id):
    with app.app_context(), tenant_scope(world.tenant.id):
        service.finish(session.get(VisitRequest, visit_id), True)
        session.commit()


def test_slots_request_list_cancel_and_rate(app, world, api_token):
    tenant = world.tenant
    headers = {"Authorization": f"Bearer {api_token(tenant, world.alice)}"}
    client = app.test_client()
    base = tenant_path(tenant, "/api/v1/visits")

    free = client.get(f"{base}/slots", headers=headers).get_json()
    assert free[0] == {"date": "2030-01-08", "window": "09-12", "free": 1, "available": True}
    assert {s["date"] for s in free} >= {"2030-01-08", "2030-01-21"} and "2030-01-12" not in {s["date"] for s in free}
    assert [r["code"] for r in client.get(f"{base}/reasons", headers=headers).get_json()] == [
        "no_internet",
        "no_tv",
        "equipment",
        "other",
    ]

    body = {
        "account_id": world.ids["account"],
        "reason": "no_internet",
        "description": "Мигает лампочка",
        "preferred": [{"date": "2030-01-08", "window": "09-12"}],
    }
    created = client.post(base, json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    visit = created.get_json()
    assert (visit["status"], visit["address"], visit["reason_title"]) == (
        "requested",
        "ул. Ленина, 1, кв. 5",
        "Нет интернета",
    )
    assert visit["can_cancel"] and not visit["can_rate"] and visit["slot_date"] is None
    second = client.post(base, json={**body, "preferred": [{"date": "2030-01-09", "window": "12-15"}]}, headers=headers)
    assert second.status_code == 201
    assert [v["id"] for v in client.get(base, headers=headers).get_json()] == [second.get_json()["id"], visit["id"]]

    operator_schedules(app, world, visit["id"], TUESDAY, "09-12")
    got = client.get(f"{base}/{visit['id']}", headers=headers).get_json()
    assert (got["status"], got["slot_date"], got["slot_window"], got["technician_name"]) == (
        "scheduled",
        "2030-01-08",
        "09-12",
        "Мастер Сергей",
    )
    taken = next(s for s in client.get(f"{base}/slots", headers=headers).get_json() if s["date"] == "2030-01-08")
    assert taken == {"date": "2030-01-08", "window": "09-12", "free": 0, "available": False}

    early = client.post(f"{base}/{visit['id']}/rate", json={"rating": 5}, headers=headers)
    assert early.status_code == 409 and "completed" in early.get_json()["message"]
    assert client.post(f"{base}/{visit['id']}/rate", json={"rating": 6}, headers=headers).get_json()["errors"] == {
        "rating": ["Must be greater than or equal to 1 and less than or equal to 5."]
    }
    operator_finishes(app, world, visit["id"])
    assert client.post(f"{base}/{visit['id']}/cancel", headers=headers).status_code == 409
    rated = client.post(f"{base}/{visit['id']}/rate", json={"rating": 4, "comment": "ok"}, headers=headers)
    assert rated.status_code == 200 and rated.get_json()["rating"] == 4 and not rated.get_json()["can_rate"]
    assert client.post(f"{base}/{visit['id']}/rate", json={"rating": 5}, headers=headers).status_code == 409

    operator_schedules(app, world, second.get_json()["id"], WEDNESDAY, "12-15")
    cancelled = client.post(f"{base}/{second.get_json()['id']}/cancel", headers=headers)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert visit_row(app, tenant, second.get_json()["id"]).status == "cancelled"
    freed = [s for s in client.get(f"{base}/slots", headers=headers).get_json() if s["date"] == "2030-01-09"]
    assert all(s["available"] for s in freed)


def test_staff_and_strangers_cannot_use_the_subscriber_api(app, world, api_token):
    client = app.test_client()
    base = tenant_path(world.tenant, "/api/v1/visits")
    assert client.get(base).status_code == 401
    staff = {"Authorization": f"Bearer {api_token(world.tenant, world.operator)}"}
    assert client.get(base, headers=staff).status_code == 403
    assert client.post(base, json={}, headers=staff).status_code == 403
