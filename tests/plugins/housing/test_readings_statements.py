"""The readings page runs as many SQL statements for a flat with 3 meters and 36 months of history as for a flat
with 1 meter and 1 month, and shows each meter's latest value (GET, and a POST that is refused and re-shown)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from sqlalchemy import event

from core.api import grant_access, open_account, session, tenant_scope
from core.identity.models import User
from core.testing.fixtures import tenant_path
from plugins.housing.models import AccountPremises, Building, Meter, Premises, Reading
from tests.plugins.housing.clock import on

TODAY = date(2026, 12, 21)


@contextmanager
def counting(app):
    statements: list[str] = []

    def count(_conn, _cursor, statement, _params, _context, _many):
        statements.append(statement)

    engine = app.extensions["abonent.db"].engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _month(back: int) -> date:
    index = 2026 * 12 + 11 - back
    return date(index // 12, index % 12 + 1, 1)


def _flat(tenant, user, number: str, meters: list[tuple[str, int]], months: int) -> list[int]:
    """A flat of ``user`` with ``meters`` (kind, zones), each read in the ``months`` months before December."""
    building = session.query(Building).one()
    flat = Premises(building_id=building.id, number=number, area=Decimal(50), residents=2)
    session.add(flat)
    session.flush()
    account = open_account(f"10{number}", holder_name=number)
    session.flush()
    grant_access(session.get(User, user.id), account)
    session.add(AccountPremises(personal_account_id=account.id, premises_id=flat.id))
    ids = []
    for position, (kind, zones) in enumerate(meters):
        meter = Meter(
            premises_id=flat.id,
            kind=kind,
            serial=f"S-{number}-{position}",
            zones=zones,
            digits=6,
            initial_values=["100"] * zones,
            next_verification=date(2030, 1, 1),
        )
        session.add(meter)
        session.flush()
        for back in range(months, 0, -1):
            for zone in range(1, zones + 1):
                value = Decimal(100 + 5 * (months - back + 1))
                session.add(Reading(meter_id=meter.id, zone=zone, period=_month(back), value=value, use=Decimal(5)))
        ids.append(meter.id)
    return ids


def _statements(app, client, tenant, **post) -> tuple[int, str]:
    with (
        counting(app) as statements,
        on(TODAY),
    ):
        if post:
            response = client.submit(tenant_path(tenant, "/housing/readings"), post)
        else:
            response = client.get(tenant_path(tenant, "/housing/readings"))
    assert response.status_code in (200, 400)
    return len(statements), response.get_data(as_text=True)


def test_the_page_runs_the_same_statements_for_36_months_of_3_meters_as_for_1_month_of_1(
    app, make_tenant, make_user, enable_plugin, login
):
    tenant = make_tenant("statements", login_identifier="contract")
    enable_plugin(tenant, "housing")
    small_user = make_user(tenant, "small", roles=("subscriber",))
    large_user = make_user(tenant, "large", roles=("subscriber",))
    with app.app_context(), tenant_scope(tenant.id):
        session.add(Building(code="B", address="ул. Мира, 1", total_area=Decimal(1000)))
        session.flush()
        [small_meter] = _flat(tenant, small_user, "1", [("cold_water", 1)], 1)
        large_meters = _flat(tenant, large_user, "2", [("cold_water", 1), ("hot_water", 1), ("electricity", 2)], 36)
        session.commit()
    small_client, large_client = login(tenant, small_user), login(tenant, large_user)
    _statements(app, small_client, tenant)  # warm up (plugin state, caches)
    _statements(app, large_client, tenant)

    small, small_page = _statements(app, small_client, tenant)
    large, large_page = _statements(app, large_client, tenant)
    assert "S-1-0" in small_page and "105 (11.2026)" in small_page
    assert all(f"S-2-{n}" in large_page for n in range(3)) and "280 (11.2026)" in large_page
    assert large == small, f"{small} statements for 1 meter × 1 month, {large} for 3 meters × 36 months"

    # A refused value is re-shown with the page: the same count again (one meter's history is read to judge it).
    small_post, _page = _statements(app, small_client, tenant, meter_id=str(small_meter), zone_1="abc")
    large_post, page = _statements(app, large_client, tenant, meter_id=str(large_meters[0]), zone_1="abc")
    assert "Введите показание числом" in page
    assert large_post == small_post, (small_post, large_post)
