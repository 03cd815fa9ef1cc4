"""The billing run is set-based: accruing 60 flats (meters, readings, two accounts on some flats) runs as many SQL
statements as accruing 3, and a re-run of the month reads no readings and writes nothing."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from sqlalchemy import event, select

from core.api import open_account, session, tenant_scope
from plugins.housing.accruals.run import run_period
from plugins.housing.models import AccountPremises, Accrual, Building, HousingService, Meter, Premises, Reading

SERVICES = (
    {"code": "maintenance", "title": "Содержание", "method": "per_area", "tariffs": [["2026-01-01", "2850"]]},
    {
        "code": "cold_water",
        "title": "Холодная вода",
        "method": "metered",
        "meter_kind": "cold_water",
        "tariffs": [["2026-01-01", "4567"], ["2026-12-16", "4800"]],
        "norms": [["2020-01-01", "6.935"]],
        "no_meter_multiplier": Decimal("1.5"),
    },
    {
        "code": "waste",
        "title": "ТКО",
        "method": "norm",
        "tariffs": [["2026-01-01", "12540"]],
        "norms": [["2020-01-01", "1"]],
    },
)


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


def _house(app, make_tenant, enable_plugin, slug: str, flats: int):
    """``flats`` flats: every third has two accounts, every fifth no meter, every seventh missed December."""
    tenant = make_tenant(slug)
    enable_plugin(tenant, "housing")
    with app.app_context(), tenant_scope(tenant.id):
        session.add_all([HousingService(**service) for service in SERVICES])
        building = Building(code="B", address="ул. Мира, 1", total_area=Decimal(5000))
        session.add(building)
        session.flush()
        for n in range(1, flats + 1):
            flat = Premises(building_id=building.id, number=str(n), area=Decimal(40 + n % 9), residents=1 + n % 3)
            session.add(flat)
            session.flush()
            for suffix in ("a", "b") if n % 3 == 0 else ("a",):
                account = open_account(f"{n:04d}{suffix}", holder_name=str(n))
                session.flush()
                session.add(AccountPremises(personal_account_id=account.id, premises_id=flat.id))
            if n % 5 == 0:
                continue
            meter = Meter(premises_id=flat.id, kind="cold_water", serial=f"W-{n}", digits=5, initial_values=["100"])
            session.add(meter)
            session.flush()
            months = (9, 10, 11) if n % 7 == 0 else (9, 10, 11, 12)
            for step, month in enumerate(months, start=1):
                use = Decimal(3 + n % 4)
                session.add(Reading(meter_id=meter.id, period=date(2026, month, 1), value=100 + step * use, use=use))
        session.commit()
    return tenant


def _run(app, tenant) -> tuple[int, int, list[str]]:
    with app.app_context(), tenant_scope(tenant.id), counting(app) as statements:
        result = run_period(date(2026, 12, 1))
        session.commit()
    return result.lines, len(statements), statements


def test_sixty_flats_take_as_many_statements_as_three_and_a_rerun_reads_no_readings(app, make_tenant, enable_plugin):
    small = _house(app, make_tenant, enable_plugin, "run-small", 3)
    large = _house(app, make_tenant, enable_plugin, "run-large", 60)
    small_lines, small_count, _ = _run(app, small)
    large_lines, large_count, _ = _run(app, large)
    assert small_lines == 3 * 3 + 3 and large_lines == 60 * 3 + 20 * 3  # a line per account and service
    assert large_count == small_count, f"{small_count} statements for 3 flats, {large_count} for 60"
    again_lines, again_count, statements = _run(app, large)
    assert again_lines == 0 and again_count < small_count
    assert not [s for s in statements if "housing_readings" in s or s.lstrip().upper().startswith("INSERT")]
    with app.app_context(), tenant_scope(large.id):
        methods = {row.method for row in session.scalars(select(Accrual).where(Accrual.service == "cold_water"))}
    assert methods == {"metered", "average", "norm"}
