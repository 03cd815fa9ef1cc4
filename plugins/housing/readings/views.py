"""The resident's readings page, ``housing.readings`` (``/housing/readings``): every meter of the flat of the
current account, its last value, what is billed without a reading, and a form per meter.

A refused value or one to confirm keeps what was typed and says why; nothing is written until every zone of the
meter is accepted. Another flat's meter answers 404.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, fields

from core.api import Id, Text, current_account, current_principal, read_form, require, session
from plugins.housing.common import clock
from plugins.housing.common.blueprints import web
from plugins.housing.common.kinds import KIND_LABELS
from plugins.housing.common.numbers import decimal_comma
from plugins.housing.readings.history import latest_readings
from plugins.housing.readings.rules import CONFIRM, REFUSED
from plugins.housing.readings.service import DEFAULT_WINDOW, submit, window_of
from plugins.housing.stock.flats import flat_of, meters_of


class ReadingForm(Schema):
    """One meter's values (one field per zone) and the resident's confirmation of an unusual value."""

    meter_id = Id(required=True)
    zone_1 = Text(20)
    zone_2 = Text(20)
    zone_3 = Text(20)
    confirmed = fields.Boolean(load_default=False)


def _flat_meters():
    account = current_account()
    flat = flat_of(account.id) if account is not None else None
    return (flat, meters_of(flat)) if flat is not None else (None, [])


@web.route("/readings", methods=["GET", "POST"])
@require("housing.readings.submit")
def readings():
    """List the flat's meters (GET) or submit one meter's values (POST)."""
    flat, meters = _flat_meters()
    if flat is None:
        return render_template("housing/readings/no_flat.html")
    verdicts, typed, status = {}, {}, 200
    if request.method == "POST":
        form = read_form(ReadingForm())
        meter = next((m for m in meters if m.id == form.data.get("meter_id")), None)
        if meter is None:
            abort(404)
        values = {zone: form.data.get(f"zone_{zone}", "") for zone in range(1, meter.zones + 1)}
        result = submit(
            meter,
            values,
            clock.today(),
            user_id=current_principal().id,
            confirmed=form.data.get("confirmed", False),
            window=window_of(meter, DEFAULT_WINDOW),
        )
        if result.written:
            session.commit()
            flash(_("The reading is saved."), "info")
            for verdict in result.verdicts.values():  # a rollover, the next period, a review: said, never silent
                for message in verdict.messages:
                    flash(_(message, **verdict.params), "info")
            return redirect(url_for("housing.readings"))
        session.rollback()
        flat, meters = _flat_meters()  # reloaded at once: expired rows would be refreshed one by one
        verdicts[meter.id] = result.verdicts
        typed[meter.id] = values
        status = 400 if result.refused else 409
    return render_template(
        "housing/readings/readings.html",
        flat=flat,
        meters=meters,
        last=latest_readings(meters),
        verdicts=verdicts,
        typed=typed,
        window=DEFAULT_WINDOW,
        REFUSED=REFUSED,
        CONFIRM=CONFIRM,
        kind_labels=KIND_LABELS,
        number=decimal_comma,
    ), status
