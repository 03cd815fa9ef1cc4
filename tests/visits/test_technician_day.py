"""A technician sees the visits they are sent to on a day, and nothing of the operators' tools."""

from __future__ import annotations

from core.db import session, tenant_scope
from core.testing.fixtures import tenant_path
from core.visits.models import SCHEDULED, VisitRequest
from tests.visits.conftest import TODAY, TUESDAY


def _visit(app, world, technician_id: int, day, address: str) -> None:
    with app.app_context(), tenant_scope(world.tenant.id):
        session.add(
            VisitRequest(
                author_id=world.alice.id,
                address=address,
                reason="no_internet",
                status=SCHEDULED,
                slot_date=day,
                slot_window="09-12",
                technician_id=technician_id,
            )
        )
        session.commit()


def test_technician_sees_own_visits_of_the_day_only(app, world, make_user, login):
    sergey = make_user(world.tenant, "sergey", roles=("technician",), full_name="Сергей")
    ivan = make_user(world.tenant, "ivan", roles=("technician",), full_name="Иван")
    _visit(app, world, sergey.id, TODAY, "ул. Ленина, 1")
    _visit(app, world, ivan.id, TODAY, "ул. Мира, 2")
    _visit(app, world, sergey.id, TUESDAY, "ул. Гагарина, 3")
    client = login(world.tenant, sergey)
    page = client.get(tenant_path(world.tenant, "/admin/visits/mine")).get_data(as_text=True)
    assert "ул. Ленина, 1" in page and "Алиса Иванова" in page
    assert "ул. Мира, 2" not in page and "ул. Гагарина, 3" not in page
    tuesday = client.get(tenant_path(world.tenant, f"/admin/visits/mine?date={TUESDAY.isoformat()}"))
    assert "ул. Гагарина, 3" in tuesday.get_data(as_text=True)
    start = client.get(tenant_path(world.tenant, "/admin/")).get_data(as_text=True)
    assert "My visits today" in start and "Overdue tickets" not in start


def test_technician_has_no_operator_tools(app, world, make_user, login):
    sergey = make_user(world.tenant, "sergey", roles=("technician",))
    technician = login(world.tenant, sergey)
    assert technician.get(tenant_path(world.tenant, "/admin/visits")).status_code == 403
    assert technician.get(tenant_path(world.tenant, "/admin/subscribers")).status_code == 403
    operator = login(world.tenant, world.operator)  # operators go out too: they see their own day
    assert "No visits for you on this day." in operator.get(tenant_path(world.tenant, "/admin/visits/mine")).get_data(
        as_text=True
    )
    subscriber = login(world.tenant, world.alice)
    assert subscriber.get(tenant_path(world.tenant, "/admin/")).status_code == 403
