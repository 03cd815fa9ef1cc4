"""A provider with two subscribers, an operator and a frozen clock (Monday 7 January 2030, 10:00)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from core.accounts.service import grant_access, open_account
from core.db import session, tenant_scope
from core.identity.models import User
from core.settings.service import save_settings
from core.visits import slots
from core.visits.models import VisitRequest

TODAY = date(2030, 1, 7)  # a Monday
TUESDAY, WEDNESDAY, SATURDAY = date(2030, 1, 8), date(2030, 1, 9), date(2030, 1, 12)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32


@dataclass
class World:
    tenant: object
    alice: object  # subscriber with a personal account
    bob: object  # another subscriber of the same provider
    operator: object
    admin: object
    ids: dict = field(default_factory=dict)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(
        slots, "local_now", lambda tenant: datetime(2030, 1, 7, 10, 0, tzinfo=ZoneInfo(tenant.timezone))
    )


def configure(app, tenant, **values) -> None:
    """Save the tenant's visit settings (defaults for whatever is not given)."""
    with app.test_request_context(), tenant_scope(tenant.id):
        save_settings("visits", values)
        session.commit()


@pytest.fixture
def world(app, make_tenant, make_user) -> World:
    # English messages, so the assertions survive the Russian catalogue.
    tenant = make_tenant("isp", login_identifier="contract", timezone="Asia/Yekaterinburg", locale="en")
    world = World(
        tenant,
        alice=make_user(tenant, "100200", full_name="Алиса Иванова"),
        bob=make_user(tenant, "100300", full_name="Борис Петров"),
        operator=make_user(tenant, "operator", roles=("operator",), full_name="Мастер Сергей"),
        admin=make_user(tenant, "admin", roles=("tenant_admin",), full_name="Админ"),
    )
    with app.app_context(), tenant_scope(tenant.id):
        account = open_account("100200", holder_name="Иванова А.", address="ул. Ленина, 1, кв. 5")
        grant_access(session.get(User, world.alice.id), account)
        session.commit()
        world.ids["account"] = account.id
    configure(app, tenant, slot_capacity=1)
    return world


def visit_row(app, tenant, visit_id: int) -> VisitRequest:
    with app.app_context(), tenant_scope(tenant.id):
        row = session.get(VisitRequest, visit_id)
        session.expunge(row)
    return row


def slot(day: date, window: str) -> str:
    return f"{day.isoformat()}|{window}"
