"""Operator pages for meters (``housing.stock.manage``): the meters of a building's flats with a search, a meter's
form (new, edit), its archiving, and the CSV import of meters.

A meter or flat of another tenant answers 404. A bad form is shown again with what was typed and a message under
each wrong field; a bad file is refused whole, every problem named with its line.
"""

from __future__ import annotations

from collections import defaultdict

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from marshmallow import Schema
from sqlalchemy import or_, select

from core.api import Id, PersonalAccount, Text, get_or_404, read_form, require, session
from plugins.housing.common import clock
from plugins.housing.common.blueprints import web
from plugins.housing.common.kinds import KIND_LABELS
from plugins.housing.common.uploads import upload_page
from plugins.housing.meters.importer import METERS
from plugins.housing.meters.service import FIELDS, check_meter, clash, kept_fields, save_meter, typed
from plugins.housing.models import AccountPremises, Building, Meter, Premises

FLATS_SHOWN = 100


class MeterSearch(Schema):
    """The list's filter: a building, and a flat number, serial number or personal account."""

    building = Id(load_default=None)
    q = Text(60)


class MeterForm(Schema):
    """A meter as typed; :func:`plugins.housing.meters.service.check_meter` judges it."""

    kind = Text(20)
    serial = Text(100)
    zones = Text(5)
    digits = Text(5)
    installed_on = Text(20)
    next_verification = Text(20)
    initial_1 = Text(30)
    initial_2 = Text(30)
    initial_3 = Text(30)


@web.get("/admin/meters")
@require("housing.stock.manage")
def admin_meters():
    """The flats of a building (or those the search finds) with their meters."""
    form = read_form(MeterSearch(), request.args)
    building_id, query = form.data.get("building"), (form.data.get("q") or "").strip()
    buildings = list(session.scalars(select(Building).order_by(Building.address)))
    flats: list[Premises] = []
    if building_id is not None or query:
        statement = select(Premises).order_by(Premises.building_id, Premises.number)
        if building_id is not None:
            statement = statement.where(Premises.building_id == building_id)
        if query:
            by_meter = select(Meter.premises_id).where(Meter.serial.ilike(f"%{_like(query)}%", escape="\\"))
            by_account = (
                select(AccountPremises.premises_id)
                .join(PersonalAccount, PersonalAccount.id == AccountPremises.personal_account_id)
                .where(PersonalAccount.number == query)
            )
            statement = statement.where(
                or_(Premises.number == query, Premises.id.in_(by_meter), Premises.id.in_(by_account))
            )
        flats = list(session.scalars(statement.limit(FLATS_SHOWN + 1)))
    meters: dict[int, list[Meter]] = defaultdict(list)
    if flats:
        rows = session.scalars(
            select(Meter).where(Meter.premises_id.in_([f.id for f in flats])).order_by(Meter.kind, Meter.serial)
        )
        for meter in rows:
            meters[meter.premises_id].append(meter)
    return render_template(
        "housing/meters/admin/meters.html",
        buildings=buildings,
        building_id=building_id,
        query=query,
        flats=flats[:FLATS_SHOWN],
        more=len(flats) > FLATS_SHOWN,
        meters=meters,
        kind_labels=KIND_LABELS,
        searched=building_id is not None or bool(query),
    )


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _meter_form(flat: Premises, meter: Meter | None):
    form = read_form(MeterForm()) if request.method == "POST" else None
    values = form.values if form is not None else (typed(meter) if meter else {"zones": "1", "digits": "5"})
    errors: dict[str, list[str]] = dict(form.errors) if form is not None else {}
    if form is not None and form.ok:
        data, problems = check_meter(form.data)
        for problem in problems:
            errors.setdefault(problem.field, []).append(_(problem.message, **problem.params))
        if data is not None and clash(flat, data, meter) is not None:
            errors.setdefault("serial", []).append(_("The flat already has a meter of this kind with this number."))
        for problem in kept_fields(meter, data) if data is not None else ():
            errors.setdefault(problem.field, []).append(_(problem.message, **problem.params))
        if not errors:
            saved = save_meter(flat, data, meter)
            session.commit()
            flash(_("The meter is saved."), "info")
            return redirect(url_for("housing.admin_meters", building=flat.building_id, q=saved.premises.number))
    return render_template(
        "housing/meters/admin/meter_form.html",
        flat=flat,
        meter=meter,
        values=values,
        errors=errors,
        kinds=list(KIND_LABELS.items()),
        fields=FIELDS,
    ), (400 if errors else 200)


@web.route("/admin/flats/<int:premises_id>/meters/new", methods=["GET", "POST"])
@require("housing.stock.manage")
def admin_meter_new(premises_id: int):
    """Add a meter to a flat."""
    return _meter_form(get_or_404(Premises, premises_id), None)


@web.route("/admin/meters/<int:meter_id>", methods=["GET", "POST"])
@require("housing.stock.manage")
def admin_meter_edit(meter_id: int):
    """Change a meter's data (a new verification date, a corrected serial number …)."""
    meter = get_or_404(Meter, meter_id)
    return _meter_form(meter.premises, meter)


@web.post("/admin/meters/<int:meter_id>/archive")
@require("housing.stock.manage")
def admin_meter_archive(meter_id: int):
    """Archive a removed or replaced meter: it leaves the resident's page; its readings stay."""
    meter = get_or_404(Meter, meter_id)
    if meter.archived_on is None:
        meter.archived_on = clock.today()
        session.commit()
        flash(_("The meter is archived."), "info")
    return redirect(url_for("housing.admin_meters", building=meter.premises.building_id, q=meter.premises.number))


@web.route("/admin/meters/import", methods=["GET", "POST"])
@require("housing.stock.manage")
def admin_meters_import():
    """Upload a CSV file of meters: imported whole, or refused with every problem and its line."""
    return upload_page(
        METERS,
        title=_("Import meters"),
        done=lambda n: (
            ngettext("%(num)d meter added", "%(num)d meters added", n["added"])
            + ", "
            + ngettext("%(num)d updated", "%(num)d updated", n["updated"])
            + ", "
            + ngettext("%(num)d unchanged", "%(num)d unchanged", n["unchanged"])
            + "."
        ),
        back=url_for("housing.admin_meters"),
        note=_(
            "Meter kinds: %(kinds)s. Dates as 31.03.2026; values with a comma or a point.",
            kinds=", ".join(str(label).lower() for label in KIND_LABELS.values()),
        ),
    )
