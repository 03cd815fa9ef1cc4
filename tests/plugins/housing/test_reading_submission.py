"""Submitting readings writes what the rules accept: corrections replace, a fall goes to review, a jump waits for
confirmation, an expired verification writes nothing; another tenant's meter is out of reach."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.api import session, tenant_scope
from plugins.housing.models import ACCEPTED, REVIEW, Building, Meter, Premises, Reading
from plugins.housing.readings.service import submit


@pytest.fixture
def meter_of(app, make_tenant, enable_plugin):
    """``meter_of(slug, **meter)``: a tenant with housing, one building, one flat and a meter; returns ids."""

    def make(slug: str, **fields):
        tenant = make_tenant(slug)
        enable_plugin(tenant, "housing")
        with app.app_context(), tenant_scope(tenant.id):
            building = Building(code="L5", address="ул. Ленина, 5", total_area=Decimal("6000"))
            session.add(building)
            session.flush()
            flat = Premises(building_id=building.id, number="12", area=Decimal("54.3"), residents=3)
            session.add(flat)
            session.flush()
            defaults = {"kind": "cold_water", "serial": "XB-1", "digits": 5, "initial_values": ["100.000"]}
            meter = Meter(premises_id=flat.id, **{**defaults, **fields})
            session.add(meter)
            session.commit()
            return tenant, meter.id

    return make


def send(app, tenant, meter_id, values, day, **kw):
    with app.app_context(), tenant_scope(tenant.id):
        meter = session.get(Meter, meter_id)
        result = submit(meter, values, day, user_id=None, **kw)
        session.commit()
        return result


def readings(app, tenant, meter_id):
    with app.app_context(), tenant_scope(tenant.id):
        rows = session.scalars(select(Reading).where(Reading.meter_id == meter_id).order_by(Reading.period))
        return [(r.period, r.zone, r.value, r.use, r.status, r.rollover) for r in rows]


def test_a_reading_with_a_comma_is_written_and_a_correction_in_the_window_replaces_it(app, meter_of):
    tenant, meter_id = meter_of("flats")
    assert send(app, tenant, meter_id, {1: "105,5"}, date(2026, 12, 20)).written
    assert send(app, tenant, meter_id, {1: "106.25"}, date(2026, 12, 24)).written
    assert readings(app, tenant, meter_id) == [
        (date(2026, 12, 1), 1, Decimal("106.250"), Decimal("6.250"), ACCEPTED, False)
    ]


def test_after_the_window_the_reading_counts_for_the_next_month(app, meter_of):
    tenant, meter_id = meter_of("late")
    send(app, tenant, meter_id, {1: "105"}, date(2026, 12, 27))
    assert readings(app, tenant, meter_id)[0][0] == date(2027, 1, 1)


def test_a_rollover_and_a_fall_for_review(app, meter_of):
    tenant, meter_id = meter_of("wrap", initial_values=["99990"])
    assert send(app, tenant, meter_id, {1: "00012"}, date(2026, 11, 21)).written
    assert send(app, tenant, meter_id, {1: "5"}, date(2026, 12, 21)).written
    (nov, dec) = readings(app, tenant, meter_id)
    assert (nov[3], nov[4], nov[5]) == (Decimal("22.000"), ACCEPTED, True)
    assert (dec[4], dec[5]) == (REVIEW, False)  # a fall that is no rollover: accepted, for a staff member to check


def test_a_jump_waits_for_confirmation_and_an_expired_meter_writes_nothing(app, meter_of):
    tenant, meter_id = meter_of("jump")
    for month, value in ((7, "105"), (8, "110"), (9, "115"), (10, "120")):
        send(app, tenant, meter_id, {1: value}, date(2026, month, 21))
    asked = send(app, tenant, meter_id, {1: "200"}, date(2026, 11, 21))
    assert asked.needs_confirmation and not asked.written
    assert len(readings(app, tenant, meter_id)) == 4
    confirmed = send(app, tenant, meter_id, {1: "200"}, date(2026, 11, 21), confirmed=True)
    assert confirmed.written and readings(app, tenant, meter_id)[-1][4] == REVIEW

    old, old_id = meter_of("expired", next_verification=date(2026, 11, 30))
    refused = send(app, old, old_id, {1: "105"}, date(2026, 12, 21))
    assert refused.refused and not refused.written and readings(app, old, old_id) == []


def test_a_two_zone_meter_is_written_whole_or_not_at_all(app, meter_of):
    tenant, meter_id = meter_of("daynight", kind="electricity", zones=2, initial_values=["1000", "500"])
    half = send(app, tenant, meter_id, {1: "1100", 2: "abc"}, date(2026, 12, 21))
    assert half.refused and readings(app, tenant, meter_id) == []
    with pytest.raises(ValueError):
        send(app, tenant, meter_id, {1: "1100"}, date(2026, 12, 21))
    assert send(app, tenant, meter_id, {1: "1100", 2: "540,5"}, date(2026, 12, 21)).written
    assert [(zone, use) for _p, zone, _v, use, _s, _r in readings(app, tenant, meter_id)] == [
        (1, Decimal("100.000")),
        (2, Decimal("40.500")),
    ]


def test_another_tenants_meter_is_not_found(app, meter_of):
    _mine, meter_id = meter_of("mine")
    other, _ = meter_of("theirs")
    with app.app_context(), tenant_scope(other.id):
        assert session.get(Meter, meter_id) is None
