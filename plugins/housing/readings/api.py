"""Meters and readings in the API: ``/api/v1/housing/accounts/<account_id>/meters[/<meter_id>/readings]``.

``GET …/meters`` lists the flat's meters with the last value of each zone; ``GET …/readings`` is a meter's
history; ``POST …/readings`` submits a value per zone by the same rules and service as the readings page
(:func:`plugins.housing.readings.service.submit`): a value that is not a reading of the meter answers 422 with
the zone's message, an expired verification 409 ``verification_expired``, an unusual jump 409 ``confirm`` (send
again with ``"confirmed": true``). Nothing is written unless every zone is accepted.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_smorest import abort
from marshmallow import Schema, fields, validate

from core.api import (
    BEARER,
    Refusal,
    RefusedSchema,
    current_principal,
    refused_response,
    require,
    session,
)
from plugins.housing.common import clock
from plugins.housing.common.blueprints import api
from plugins.housing.models import METER_KINDS, Meter, Premises, Reading
from plugins.housing.readings.history import history, latest_readings, period_readings
from plugins.housing.readings.rules import CONFIRM, REFUSED, Verdict
from plugins.housing.readings.service import DEFAULT_WINDOW, Submission, submit
from plugins.housing.readings.views import KIND_LABELS
from plugins.housing.stock.api_scope import (
    ACCOUNT_PATH,
    METER_PATH,
    NO_METER,
    NOT_FOUND,
    account_parameter,
    with_flat,
    with_meter,
)
from plugins.housing.stock.flats import meters_of

#: The longest value a resident may type (the meter's digits decide what is a reading; this bounds the body).
MAX_VALUE_LENGTH = 20


class LastValueSchema(Schema):
    zone = fields.Integer()
    value = fields.Decimal(as_string=True, metadata={"description": 'e.g. "105.500"'})
    period = fields.String(metadata={"description": "YYYY-MM: the month it counts for"})


class MeterSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "one of: " + ", ".join(METER_KINDS)})
    kind_text = fields.String(metadata={"description": "the kind in words, in the caller's language"})
    serial = fields.String()
    zones = fields.Integer(metadata={"description": "tariff zones: a value is submitted for each"})
    digits = fields.Integer(metadata={"description": "digits before the decimal point"})
    next_verification = fields.Date(allow_none=True)
    verification_expired = fields.Boolean(metadata={"description": "readings are refused until it is verified"})
    last = fields.List(fields.Nested(LastValueSchema), metadata={"description": "the latest value of each zone"})


class MetersSchema(Schema):
    meters = fields.List(fields.Nested(MeterSchema))


class ReadingSchema(Schema):
    zone = fields.Integer()
    period = fields.String(metadata={"description": "YYYY-MM: the month it counts for"})
    value = fields.Decimal(as_string=True)
    use = fields.Decimal(as_string=True, allow_none=True, metadata={"description": "since the previous value"})
    rollover = fields.Boolean(metadata={"description": "the meter went past its largest value"})
    status = fields.String(metadata={"description": "accepted, or review (a staff member checks it)"})
    source = fields.String(metadata={"description": "resident, operator or import"})
    submitted_at = fields.DateTime()


class HistorySchema(Schema):
    meter_id = fields.Integer()
    readings = fields.List(fields.Nested(ReadingSchema), metadata={"description": "newest period first"})


class SubmitSchema(Schema):
    values = fields.List(
        fields.String(validate=validate.Length(min=1, max=MAX_VALUE_LENGTH)),
        required=True,
        validate=validate.Length(min=1, max=3),
        metadata={"description": 'one text per zone, zone 1 first: "123,45" or "123.45" (a comma or a point)'},
    )
    confirmed = fields.Boolean(
        load_default=False, metadata={"description": "the resident confirms an unusual value (after a 409 confirm)"}
    )


class SubmittedSchema(Schema):
    readings = fields.List(fields.Nested(ReadingSchema), metadata={"description": "the values written"})
    messages = fields.List(
        fields.String(), metadata={"description": "what the resident should know (next month, rollover, review)"}
    )


def _period(reading: Reading) -> str:
    return f"{reading.period.year:04d}-{reading.period.month:02d}"


def _reading(reading: Reading) -> dict:
    return {
        "zone": reading.zone,
        "period": _period(reading),
        "value": reading.value,
        "use": reading.use,
        "rollover": reading.rollover,
        "status": reading.status,
        "source": reading.source,
        "submitted_at": reading.submitted_at,
    }


def _messages(verdict: Verdict) -> list[str]:
    return [_(message, **verdict.params) for message in verdict.messages]


@api.get(ACCOUNT_PATH + "/meters", parameters=account_parameter())
@require("housing.readings.submit")
@with_flat
@api.response(200, MetersSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.doc(security=BEARER)
def list_meters(flat: Premises):
    """The flat's meters in use, with the latest value of each zone and the verification date."""
    meters = meters_of(flat)
    last = latest_readings(meters)
    today = clock.today()
    return {
        "meters": [
            {
                "id": meter.id,
                "kind": meter.kind,
                "kind_text": str(KIND_LABELS[meter.kind]),
                "serial": meter.serial,
                "zones": meter.zones,
                "digits": meter.digits,
                "next_verification": meter.next_verification,
                "verification_expired": meter.next_verification is not None and meter.next_verification < today,
                "last": [
                    {"zone": zone, "value": last[(meter.id, zone)].value, "period": _period(last[(meter.id, zone)])}
                    for zone in range(1, meter.zones + 1)
                    if (meter.id, zone) in last
                ],
            }
            for meter in meters
        ]
    }


@api.get(METER_PATH + "/readings", parameters=account_parameter(meter=True))
@require("housing.readings.submit")
@with_meter
@api.response(200, HistorySchema)
@api.alt_response(404, description=NOT_FOUND + "; or " + NO_METER)
@api.doc(security=BEARER)
def list_readings(meter: Meter):
    """The meter's readings, newest period first (up to ten years)."""
    return {"meter_id": meter.id, "readings": [_reading(row) for row in history(meter)]}


@api.post(METER_PATH + "/readings", parameters=account_parameter(meter=True))
@require("housing.readings.submit")
@with_meter
@api.arguments(SubmitSchema)
@api.response(201, SubmittedSchema)
@api.alt_response(404, description=NOT_FOUND + "; or " + NO_METER)
@api.alt_response(
    409,
    schema=RefusedSchema,
    description="not written: verification_expired (the reason and what is billed instead), or confirm "
    "(an unusual value: send again with confirmed true)",
)
@api.doc(security=BEARER)
def submit_reading(body: dict, meter: Meter):
    """Submit the meter's values, one per zone; a correction inside the window replaces the month's value.

    A value sent after the window counts for next month (said in ``messages``); a falling value is a rollover
    when the meter's capacity explains it, otherwise it is accepted and goes to staff review.
    """
    texts = body["values"]
    if len(texts) != meter.zones:
        abort(422, messages={"json": {"values": [_("This meter needs %(count)s value(s).", count=meter.zones)]}})
    values = {zone: text for zone, text in enumerate(texts, start=1)}
    result = submit(
        meter,
        values,
        clock.today(),
        user_id=current_principal().id,
        window=DEFAULT_WINDOW,
        confirmed=body["confirmed"],
    )
    if not result.written:
        session.rollback()
        return _not_written(result)
    session.commit()
    period = next(iter(result.verdicts.values())).period
    return {
        "readings": [_reading(row) for row in period_readings(meter, period)],
        "messages": [message for verdict in result.verdicts.values() for message in _messages(verdict)],
    }


def _not_written(result: Submission):
    """409 for an expired verification or a value to confirm; 422 naming each zone whose value is unreadable."""
    refused = [verdict for verdict in result.verdicts.values() if verdict.outcome == REFUSED]
    expired = next((verdict for verdict in refused if "date" in verdict.params), None)
    if expired is not None:
        return refused_response([Refusal("verification_expired", message) for message in _messages(expired)])
    if refused:
        unreadable = {
            str(zone - 1): _messages(verdict) for zone, verdict in result.verdicts.items() if verdict.outcome == REFUSED
        }
        abort(422, messages={"json": {"values": unreadable}})
    confirm = next(verdict for verdict in result.verdicts.values() if verdict.outcome == CONFIRM)
    return refused_response([Refusal("confirm", message) for message in _messages(confirm)])
