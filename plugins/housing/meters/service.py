"""A meter's data checked the same way from the operator's form and from a CSV line, and saved.

The data come as typed text (``kind``, ``serial``, ``zones``, ``digits``, ``installed_on``, ``next_verification``,
``initial_1`` … ``initial_3``); :func:`check_meter` answers a :class:`MeterData` or the problems by field, as
msgids with parameters. Dates are ``2026-03-31`` or ``31.03.2026``; values take a decimal comma or a point.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from core.api import N_, session
from plugins.housing.common.csvimport import day, whole
from plugins.housing.common.kinds import KIND_LABELS, kind_of
from plugins.housing.models import MAX_ZONES, Meter, Premises, Reading
from plugins.housing.readings.rules import parse_value
from plugins.housing.readings.service import restate_next

FIELDS = (
    "kind",
    "serial",
    "zones",
    "digits",
    "installed_on",
    "next_verification",
    "initial_1",
    "initial_2",
    "initial_3",
)
DEFAULT_DIGITS = 5
MAX_DIGITS = 9
#: What a meter with readings keeps: its readings were judged (and billed) by them. In the field such a change
#: is a meter replacement: the old meter is archived and the new one added with its initial values.
KEPT = {
    "kind": N_(
        "The meter has readings, so its kind cannot change. If the meter was replaced, archive it and add the new "
        "meter with its initial values."
    ),
    "zones": N_(
        "The meter has readings, so its number of tariffs cannot change. If the meter was replaced, archive it and "
        "add the new meter with its initial values."
    ),
    "digits": N_(
        "The meter has readings, so its digits before the point cannot change. If the meter was replaced, archive "
        "it and add the new meter with its initial values."
    ),
}


@dataclass(frozen=True)
class MeterData:
    """What an operator says about a meter (initial values as ``"123.456"`` strings, zone 1 first)."""

    kind: str
    serial: str
    zones: int
    digits: int
    installed_on: date | None
    next_verification: date | None
    initial_values: tuple[str, ...]

    def matches(self, meter: Meter) -> bool:
        """Whether ``meter`` already holds exactly these data."""
        return self == data_of(meter)


@dataclass(frozen=True)
class FieldProblem:
    """What is wrong with one field: a msgid and its parameters."""

    field: str
    message: str
    params: Mapping[str, Any]


def data_of(meter: Meter) -> MeterData:
    """The stored meter as :class:`MeterData`."""
    return MeterData(
        meter.kind,
        meter.serial,
        meter.zones,
        meter.digits,
        meter.installed_on,
        meter.next_verification,
        tuple(meter.initial_values or ()),
    )


def typed(meter: Meter) -> dict[str, str]:
    """The stored meter as the form shows it."""
    values = {
        "kind": meter.kind,
        "serial": meter.serial,
        "zones": str(meter.zones),
        "digits": str(meter.digits),
        "installed_on": meter.installed_on.isoformat() if meter.installed_on else "",
        "next_verification": meter.next_verification.isoformat() if meter.next_verification else "",
    }
    for zone, value in enumerate(meter.initial_values or (), start=1):
        values[f"initial_{zone}"] = value.replace(".", ",")
    return values


def check_meter(values: Mapping[str, str]) -> tuple[MeterData | None, list[FieldProblem]]:
    """The meter described by ``values`` (text by field name), or every problem with them."""
    problems: list[FieldProblem] = []

    def problem(name: str, message: str, **params: Any) -> None:
        problems.append(FieldProblem(name, message, params))

    text = {name: (values.get(name) or "").strip() for name in FIELDS}
    kind = kind_of(text["kind"])
    if kind is None:
        problem(
            "kind",
            N_("Choose the kind of meter (one of %(kinds)s)."),
            kinds=", ".join(str(label).lower() for label in KIND_LABELS.values()),
        )
    serial = text["serial"]
    if not serial:
        problem("serial", N_("Enter the serial number."))
    elif len(serial) > 60:
        problem("serial", N_("The serial number is longer than %(length)s characters."), length=60)
    zones = whole(text["zones"]) if text["zones"] else 1
    largest = MAX_ZONES.get(kind or "", 1)
    if zones is None or not 1 <= zones <= largest:
        problem("zones", N_("The number of tariffs of this meter is from 1 to %(largest)s."), largest=largest)
    digits = whole(text["digits"]) if text["digits"] else DEFAULT_DIGITS
    if digits is None or not 1 <= digits <= MAX_DIGITS:
        problem("digits", N_("The digits before the point are from 1 to %(largest)s."), largest=MAX_DIGITS)
    dates: dict[str, date | None] = {}
    for name in ("installed_on", "next_verification"):
        dates[name] = day(text[name]) if text[name] else None
        if text[name] and dates[name] is None:
            problem(name, N_("Enter the date as 31.03.2026."))
    installed, verification = dates["installed_on"], dates["next_verification"]
    if installed and verification and verification <= installed:
        problem("next_verification", N_("The next verification comes after the installation."))
    initial: list[str] = []
    for zone in range(1, 4):
        name = f"initial_{zone}"
        if not text[name]:
            continue
        if zones is None or zone > zones:
            problem(name, N_("The meter has no tariff %(zone)s."), zone=zone)
            continue
        value = parse_value(text[name], digits or DEFAULT_DIGITS)
        if value is None:
            problem(
                name, N_("Enter the value as a number with at most %(digits)s digits before the point."), digits=digits
            )
        elif len(initial) == zone - 1:
            initial.append(str(value))
        else:
            problem(name, N_("Enter the initial values of the tariffs in order, starting with the first."))
    if problems:
        return None, problems
    return MeterData(kind, serial, zones, digits, installed, verification, tuple(initial)), []


def kept_fields(meter: Meter | None, data: MeterData) -> list[FieldProblem]:
    """What ``data`` would change of :data:`KEPT` in a meter that has readings, each with the replacement path."""
    if meter is None:
        return []
    changed = [name for name in KEPT if getattr(data, name) != getattr(meter, name)]
    if not changed or session.scalar(select(Reading.id).where(Reading.meter_id == meter.id).limit(1)) is None:
        return []
    return [FieldProblem(name, KEPT[name], {}) for name in changed]


def clash(premises: Premises, data: MeterData, meter: Meter | None = None) -> Meter | None:
    """Another meter of the flat with the same kind and serial number, if any."""
    found = session.scalar(
        select(Meter).where(Meter.premises_id == premises.id, Meter.kind == data.kind, Meter.serial == data.serial)
    )
    return found if found is not None and found is not meter else None


def save_meter(premises: Premises, data: MeterData, meter: Meter | None = None) -> Meter:
    """Create a meter in ``premises`` (or update ``meter``) with ``data``; the caller checked :func:`clash` and
    :func:`kept_fields`, and commits. A changed initial value changes the use of the zone's first reading: it is
    judged again (:func:`plugins.housing.readings.service.restate_next`)."""
    if meter is None:
        meter = Meter(premises_id=premises.id)
        session.add(meter)
    before = tuple(meter.initial_values or ())
    meter.kind, meter.serial, meter.zones, meter.digits = data.kind, data.serial, data.zones, data.digits
    meter.installed_on, meter.next_verification = data.installed_on, data.next_verification
    meter.initial_values = list(data.initial_values)
    session.flush()
    for zone in range(1, meter.zones + 1):
        if before[zone - 1 : zone] != data.initial_values[zone - 1 : zone]:
            restate_next(meter, zone, None)
    return meter
