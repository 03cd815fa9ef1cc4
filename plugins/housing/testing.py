"""The housing plugin's objects for the shipped route suites (the ``populate_test_world`` hook; tests only)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from core.api import session
from plugins.housing.models import REVIEW, AccountPremises, Building, Meter, Premises, Reading, Report


def populate(site: Any) -> dict[str, int]:
    """A building, a flat bound to the site's account, a meter, a reading waiting for review and a report (without
    its file): ``reading_id``, ``meter_id``, ``premises_id``, ``report_id``."""
    building = Building(code="world", address="ул. Мира, 1", total_area=Decimal(1000))
    session.add(building)
    session.flush()
    flat = Premises(building_id=building.id, number="1", area=Decimal(50), residents=2)
    session.add(flat)
    session.flush()
    session.add(AccountPremises(personal_account_id=site.account.id, premises_id=flat.id))
    meter = Meter(premises_id=flat.id, kind="cold_water", serial="W-1", digits=5, initial_values=["10"])
    session.add(meter)
    session.flush()
    reading = Reading(meter_id=meter.id, period=date(2026, 11, 1), value=Decimal(5), use=Decimal(-5), status=REVIEW)
    report = Report(title="Отчёт за год", building_id=building.id, published_on=date(2026, 11, 1))
    session.add_all([reading, report])
    session.flush()
    return {"reading_id": reading.id, "meter_id": meter.id, "premises_id": flat.id, "report_id": report.id}
