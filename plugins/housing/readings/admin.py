"""Operator pages for readings: ``housing.admin_readings`` (the review queue: falls that are no rollover and
confirmed jumps), the phone entry of a resident's reading by personal-account number, and the exchange with the
company's billing (a month's readings as CSV, the billing's readings imported from CSV).

A reading in review already counts (it was accepted); the operator marks it checked or corrects it by entering
the right value, which replaces the period's value as a resident's correction would.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from marshmallow import Schema
from sqlalchemy import select

from core.api import (
    Id,
    Text,
    csv_response,
    current_principal,
    find_account,
    keyset_page,
    read_form,
    requested_page,
    require,
    session,
)
from plugins.housing.common import clock
from plugins.housing.common.blueprints import web
from plugins.housing.common.csvimport import month, titles
from plugins.housing.common.kinds import KIND_LABELS
from plugins.housing.common.uploads import upload_page
from plugins.housing.models import ACCEPTED, OPERATOR, REVIEW, AccountPremises, Meter, Reading
from plugins.housing.readings import building, bulk
from plugins.housing.readings.rules import period_for
from plugins.housing.readings.service import DEFAULT_WINDOW, submit, window_of

PAGE_SIZE = 100  # readings per page of the review queue


class PhoneReadingForm(Schema):
    """A reading a resident gave by phone: their account number, the meter, the value (zone 1), and the month it
    is for when it is an earlier one (``2026-11``; empty: the month the reading window gives today)."""

    account = Text(40)
    meter_id = Id(load_default=None)
    value = Text(20)
    period = Text(20)


@web.get("/admin/readings")
@require("housing.readings.manage")
def admin_readings():
    """The readings waiting for a staff member's check, oldest first."""
    wanted = requested_page()
    page = keyset_page(
        select(Reading).where(Reading.status == REVIEW),
        (Reading.submitted_at, Reading.id),
        lambda row: (row[0].submitted_at, row[0].id),
        size=PAGE_SIZE,
        after=wanted.after,
        before=wanted.before,
    ).map(lambda row: row[0])
    this_month = clock.today().replace(day=1)
    return render_template(
        "housing/readings/admin/review.html",
        waiting=page.rows,
        page=page,
        kind_labels=KIND_LABELS,
        this_month=this_month,
    )


@web.post("/admin/readings/<int:reading_id>/checked")
@require("housing.readings.manage")
def admin_reading_checked(reading_id: int):
    """Mark a reading in review as checked (it stays as it is)."""
    reading = session.get(Reading, reading_id)
    if reading is None or reading.status != REVIEW:
        abort(404)
    reading.status = ACCEPTED
    reading.note = (reading.note + "; " if reading.note else "") + _(
        "checked by %(name)s", name=current_principal().login
    )
    session.commit()
    flash(_("The reading is marked as checked."), "info")
    return redirect(url_for("housing.admin_readings"))


@web.route("/admin/readings/phone", methods=["GET", "POST"])
@require("housing.readings.manage")
def admin_phone_reading():
    """Find the flat by account number, then enter the value for one of its meters."""
    form = read_form(PhoneReadingForm(), request.values) if request.values else None
    number = (form.data.get("account") or "").strip() if form and form.ok else ""
    account = find_account(number) if number else None
    binding = (
        session.scalar(select(AccountPremises).where(AccountPremises.personal_account_id == account.id))
        if account is not None
        else None
    )
    meters = (
        list(
            session.scalars(select(Meter).where(Meter.premises_id == binding.premises_id, Meter.archived_on.is_(None)))
        )
        if binding is not None
        else []
    )
    verdict, period_error, status = None, "", 200
    if request.method == "POST" and form is not None and form.ok:
        meter = next((m for m in meters if m.id == form.data.get("meter_id") and m.zones == 1), None)
        if meter is None:
            abort(404)
        window = window_of(meter, DEFAULT_WINDOW)
        today = clock.today()
        typed_month = (form.data.get("period") or "").strip()
        chosen = month(typed_month) if typed_month else None
        if typed_month and (chosen is None or chosen > period_for(today, window)):
            period_error, status = _("Enter a month up to the current one, as 2026-11."), 400
        else:
            # An earlier month's value is judged against the readings before it; the readings after it follow.
            result = submit(
                meter,
                {1: form.data.get("value", "")},
                chosen or today,
                user_id=current_principal().id,
                source=OPERATOR,
                confirmed=True,
                window=window,
            )
            if result.written:
                session.commit()
                flash(_("The reading is saved."), "info")
                for message in result.verdicts[1].messages:
                    flash(_(message, **result.verdicts[1].params), "info")
                return redirect(url_for("housing.admin_phone_reading", account=number))
            session.rollback()
            verdict, status = result.verdicts[1], 400
    return render_template(
        "housing/readings/admin/phone.html",
        number=number,
        account=account,
        binding=binding,
        meters=meters,
        verdict=verdict,
        period_error=period_error,
        kind_labels=KIND_LABELS,
        typed=form.values if form else {},
    ), status


class ExportForm(Schema):
    """The month to export (``2026-11``)."""

    period = Text(20)


@web.get("/admin/readings/export")
@require("housing.readings.manage")
def admin_readings_export():
    """A month's readings as CSV for the company's billing (the current month when none is chosen)."""
    form = read_form(ExportForm(), request.args)
    period = month(form.data.get("period") or "") if form.ok and form.data.get("period") else clock.today()
    if period is None:
        abort(404)
    filename = f"readings-{period.year:04d}-{period.month:02d}.csv"
    return csv_response(filename, titles(bulk.COLUMNS), bulk.export_rows(period))


@web.route("/admin/readings/import", methods=["GET", "POST"])
@require("housing.readings.manage")
def admin_readings_import():
    """Upload the billing's readings: imported whole, or refused with every problem and its line."""
    return upload_page(
        bulk.READINGS,
        title=_("Import readings from the billing"),
        done=lambda n: (
            ngettext("%(num)d reading added", "%(num)d readings added", n["added"])
            + ", "
            + ngettext("%(num)d updated", "%(num)d updated", n["updated"])
            + ", "
            + ngettext("%(num)d unchanged", "%(num)d unchanged", n["unchanged"])
            + "."
        ),
        back=url_for("housing.admin_readings"),
        note=_("The columns building, flat and kind may be left out. The values are checked like a resident's."),
    )


@web.route("/admin/readings/building-import", methods=["GET", "POST"])
@require("housing.readings.manage")
def admin_building_readings_import():
    """Upload building meters' volumes of a month (heat …): imported whole, or refused with every problem."""
    return upload_page(
        building.BUILDING_READINGS,
        title=_("Import building meter volumes"),
        done=lambda n: (
            ngettext("%(num)d volume added", "%(num)d volumes added", n["added"])
            + ", "
            + ngettext("%(num)d updated", "%(num)d updated", n["updated"])
            + ", "
            + ngettext("%(num)d unchanged", "%(num)d unchanged", n["unchanged"])
            + "."
        ),
        back=url_for("housing.admin_readings"),
        note=_(
            "The volume the building's meter counted in the month (Gcal of heat, say) is shared between its flats "
            "by area. The month as 2026-11."
        ),
    )
