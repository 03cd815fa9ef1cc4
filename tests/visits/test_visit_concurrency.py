"""Operators scheduling at the same moment never overfill a slot (real transactions in threads)."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from core.db import session, tenant_scope
from core.identity.models import User
from core.tenants.models import Tenant
from core.visits import service
from core.visits.models import SCHEDULED, VisitRequest
from tests.visits.conftest import TUESDAY

THREADS = 8


def test_parallel_scheduling_into_one_slot_fills_it_exactly(app, world):
    tenant_id = world.tenant.id
    with app.test_request_context(), tenant_scope(tenant_id):
        tenant = session.get(Tenant, tenant_id)
        alice = session.get(User, world.alice.id)
        ids = []
        for _ in range(THREADS):
            visit = service.request_visit(
                tenant, alice, reason="other", address="ул. Мира, 2", preferred=[(TUESDAY, "09-12")]
            )
            ids.append(visit.id)
        session.commit()

    start = threading.Barrier(THREADS)
    outcomes: list[str] = []

    def schedule(visit_id: int) -> None:
        with app.test_request_context(), tenant_scope(tenant_id):
            try:
                start.wait(timeout=30)
                tenant = session.get(Tenant, tenant_id)
                service.schedule(tenant, session.get(VisitRequest, visit_id), TUESDAY, "09-12", world.operator.id)
                session.commit()
                outcomes.append("scheduled")
            except service.VisitError:
                session.rollback()
                outcomes.append("full")
            except Exception as error:  # reported by the assertion below
                session.rollback()
                outcomes.append(repr(error))

    threads = [threading.Thread(target=schedule, args=(visit_id,)) for visit_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(outcomes) == ["full"] * (THREADS - 1) + ["scheduled"], outcomes
    with app.app_context(), tenant_scope(tenant_id):
        held = session.scalar(
            select(func.count(VisitRequest.id)).where(
                VisitRequest.slot_date == TUESDAY, VisitRequest.slot_window == "09-12", VisitRequest.status == SCHEDULED
            )
        )
    assert held == 1
