"""Operator tools for technician visits: the list, scheduling into slots, results, and the settings."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from marshmallow import Schema, fields

from core.access.guard import require
from core.console.blueprint import blueprint
from core.db import session
from core.db.queries import get_or_404
from core.settings.service import SettingsError, save_settings
from core.visits import service, slots
from core.visits.models import REQUESTED, SCHEDULED, VisitRequest
from core.visits.settings import NAMESPACE, visit_settings
from core.visits.views import flat_errors
from core.web.bounds import parse_day, parse_id
from core.web.input import Id, Text, read_form
from core.web.validation_messages import translate_errors

A_MONDAY = date(2024, 1, 1)


def _day(value: str | None) -> date | None:
    return parse_day(value)


@blueprint.get("/visits")
@require("visits.manage")
def visits():
    status = request.args.get("status", "")
    if status not in service.STATUSES:
        status = ""
    day = _day(request.args.get("date"))
    rows = service.search(status or None, day)
    settings = visit_settings()
    load = []
    if day is not None:
        counts = slots.taken([day])
        load = [(window, counts.get((day, window), 0), settings["slot_capacity"]) for window in settings["windows"]]
    return render_template(
        "admin/visits.html",
        rows=rows,
        people=service.people(rows),
        reason_titles=service.reason_titles(settings),
        statuses=service.STATUSES,
        status=status,
        day=day,
        load=load,
    )


def _visit_page(visit: VisitRequest, errors: dict | None = None, status: int = 200):
    settings = visit_settings()
    preferred = [(date.fromisoformat(p["date"]), p["window"]) for p in visit.preferred or []]
    counts = slots.taken({d for d, _w in preferred}, exclude_visit_id=visit.id)
    preferred_load = [(d, w, counts.get((d, w), 0)) for d, w in preferred]
    today = slots.local_today(g.tenant)
    form_values = read_form(ScheduleForm()).values if request.method == "POST" else {}
    default_day = visit.slot_date or next((d for d, _w, n in preferred_load if d >= today), None)
    default_window = visit.slot_window or next((w for d, w, n in preferred_load if d == default_day), "")
    return render_template(
        "admin/visit.html",
        visit=visit,
        people=service.people([visit]),
        reason_titles=service.reason_titles(settings),
        photos=service.photos(visit),
        preferred_load=preferred_load,
        capacity=settings["slot_capacity"],
        windows=settings["windows"],
        technicians=service.staff_users(),
        errors=errors or {},
        values={
            "slot_date": form_values.get("slot_date", default_day.isoformat() if default_day else ""),
            "slot_window": form_values.get("slot_window", default_window),
            "technician_id": form_values.get("technician_id", str(visit.technician_id or "")),
            "outcome": form_values.get("outcome", ""),
            "result_comment": form_values.get("result_comment", ""),
        },
        can_schedule=visit.status in (REQUESTED, SCHEDULED),
        can_finish=visit.status == SCHEDULED,
    ), status


@blueprint.get("/visits/<int:visit_id>")
@require("visits.manage")
def visit(visit_id: int):
    return _visit_page(get_or_404(VisitRequest, visit_id))


@blueprint.post("/visits/<int:visit_id>/schedule")
@require("visits.manage")
def visit_schedule(visit_id: int):
    visit = get_or_404(VisitRequest, visit_id)
    form = read_form(ScheduleForm())
    technician_id = form.data.get("technician_id") if "technician_id" not in form.errors else None
    try:
        service.schedule(
            g.tenant, visit, _day(form.values.get("slot_date")), form.values.get("slot_window", ""), technician_id
        )
    except service.VisitError as error:
        session.rollback()
        return _visit_page(visit, flat_errors(error.errors), 400)
    except service.VisitStateError as error:
        session.rollback()
        flash(str(error), "error")
    else:
        session.commit()
        flash(_("The visit is scheduled; the subscriber is notified."), "info")
    return redirect(url_for("admin.visit", visit_id=visit_id))


@blueprint.post("/visits/<int:visit_id>/result")
@require("visits.manage")
def visit_result(visit_id: int):
    visit = get_or_404(VisitRequest, visit_id)
    form = read_form(ScheduleForm())
    outcome = form.values.get("outcome", "")
    if outcome not in ("done", "not_done"):
        return _visit_page(visit, {"outcome": [_("Choose whether the visit took place.")]}, 400)
    try:
        service.finish(visit, outcome == "done", form.values.get("result_comment", ""))
    except service.VisitError as error:
        session.rollback()
        return _visit_page(visit, flat_errors(error.errors), 400)
    except service.VisitStateError as error:
        session.rollback()
        flash(str(error), "error")
    else:
        session.commit()
        flash(_("The result is saved."), "info")
    return redirect(url_for("admin.visit", visit_id=visit_id))


# --- settings ------------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s,;]+")


def _reasons_text(reasons: list[dict]) -> str:
    return "\n".join(f"{r['code']}: {r['title']}" for r in reasons)


class ScheduleForm(Schema):
    slot_date = Text(20)
    slot_window = Text(40)
    technician_id = Id(load_default=None)
    outcome = Text(20)
    result_comment = Text(5000)


class VisitSettingsForm(Schema):
    reasons = Text(20_000)
    working_days = fields.List(Text(2), load_default=list)
    windows = Text(2000)
    slot_capacity = Text(20)
    horizon_days = Text(20)
    min_notice_days = Text(20)


def _raw_from_form(form: dict) -> tuple[dict, dict[str, list[str]]]:
    """The settings as the schema wants them, and the errors found while reading the form itself."""
    errors: dict[str, list[str]] = {}
    reasons = []
    for number, line in enumerate(form.get("reasons", "").splitlines(), start=1):
        if not line.strip():
            continue
        code, colon, title = line.partition(":")
        if not colon:
            errors.setdefault("reasons", []).append(
                _("Line %(number)s: write the code, a colon and the title.", number=number)
            )
            continue
        reasons.append({"code": code.strip(), "title": title.strip()})
    raw = {
        "reasons": reasons,
        "working_days": [d for d in map(parse_id, form.get("working_days", [])) if d is not None],
        "windows": [w for w in _SEPARATORS.split(form.get("windows", "")) if w],
        "slot_capacity": form.get("slot_capacity", "").strip(),
        "horizon_days": form.get("horizon_days", "").strip(),
        "min_notice_days": form.get("min_notice_days", "").strip(),
    }
    return raw, errors


def _schema_errors(messages: dict) -> dict[str, list[str]]:
    """marshmallow's messages as ``field → [text]`` (list items get their line number)."""
    flat: dict[str, list[str]] = {}
    for field, value in translate_errors(messages).items():
        texts: list[str] = []
        if isinstance(value, dict):
            for index, inner in value.items():
                parts = inner.items() if isinstance(inner, dict) else [("", inner)]
                for name, msgs in parts:
                    prefix = _("Line %(number)s", number=int(index) + 1) if isinstance(index, int) else str(index)
                    label = f"{prefix}{' (' + name + ')' if name else ''}"
                    texts.extend(f"{label}: {m}" for m in (msgs if isinstance(msgs, list) else [msgs]))
        else:
            texts.extend(value if isinstance(value, list) else [str(value)])
        flat[field] = texts
    return flat


@blueprint.route("/visits/settings", methods=["GET", "POST"])
@require("visits.manage")
def visit_settings_page():
    current = visit_settings()
    errors: dict[str, list[str]] = {}
    values = {
        "reasons": _reasons_text(current["reasons"]),
        "working_days": current["working_days"],
        "windows": ", ".join(current["windows"]),
        "slot_capacity": current["slot_capacity"],
        "horizon_days": current["horizon_days"],
        "min_notice_days": current["min_notice_days"],
    }
    if request.method == "POST":
        form = read_form(VisitSettingsForm())
        raw, errors = _raw_from_form(form.values)
        values = {
            "reasons": form.values.get("reasons", ""),
            "working_days": raw["working_days"],
            "windows": form.values.get("windows", ""),
            "slot_capacity": raw["slot_capacity"],
            "horizon_days": raw["horizon_days"],
            "min_notice_days": raw["min_notice_days"],
        }
        if not errors:
            try:
                save_settings(NAMESPACE, raw)
            except SettingsError as error:
                session.rollback()
                errors = _schema_errors(error.messages)
            else:
                session.commit()
                flash(_("Settings saved."), "info")
                return redirect(url_for("admin.visit_settings_page"))
    weekdays = [(n, format_date(A_MONDAY + timedelta(days=n - 1), "EEEE")) for n in range(1, 8)]
    return render_template("admin/visit_settings.html", values=values, errors=errors, weekdays=weekdays), (
        400 if errors else 200
    )
