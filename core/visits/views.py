"""Subscriber pages: ask for a technician, follow the request, cancel it, rate the visit."""

from __future__ import annotations

from datetime import date
from itertools import groupby

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from core.access.guard import current_principal, require
from core.accounts.service import accounts_of
from core.db import session
from core.files.storage import MAX_BYTES
from core.visits import service, slots
from core.visits.models import CANCELLED, DONE, NOT_DONE, REQUESTED, SCHEDULED, VisitRequest
from core.visits.settings import visit_settings
from core.web.bounds import parse_day, parse_id
from core.web.input import Text, read_form


class NewVisitForm(Schema):
    account_id = Text(20)
    address = Text(500)
    reason = Text(100)
    description = Text(5000)
    slot = fields.List(Text(40), load_default=list)


class RatingForm(Schema):
    rating = fields.Integer(load_default=None, validate=validate.Range(min=1, max=5))
    rating_comment = Text(2000)


blueprint = Blueprint("visits", __name__, url_prefix="/visits")

STATUS_TITLES = {
    REQUESTED: _l("waiting for a time"),
    SCHEDULED: _l("technician scheduled"),
    DONE: _l("work done"),
    NOT_DONE: _l("work not done"),
    CANCELLED: _l("visit cancelled"),
}
OTHER_ADDRESS = "other"


@blueprint.app_template_global("visit_status")
def visit_status(code: str) -> str:
    """The translated word for a visit's status."""
    title = STATUS_TITLES.get(code)
    return str(title) if title is not None else code


def slot_label(day: date, window: str) -> str:
    return f"{format_date(day, 'EEE, d MMM')}, {window}"


def flat_errors(errors: dict, preferred: list[tuple[date, str]] | None = None) -> dict[str, list[str]]:
    """Service errors as ``field → [messages]``; nested slot errors get the slot in front of them."""
    flat: dict[str, list[str]] = {}
    for field, value in errors.items():
        if isinstance(value, dict):
            messages = []
            for index, problems in value.items():
                where = ""
                if preferred is not None and isinstance(index, int) and index < len(preferred):
                    where = slot_label(*preferred[index]) + ": "
                for texts in problems.values():
                    messages.extend(where + text for text in texts)
            flat[field] = messages
        else:
            flat[field] = list(value)
    return flat


def _parse_slot(value: str) -> tuple[date, str] | None:
    day_text, _sep, window = value.partition("|")
    day = parse_day(day_text)
    return (day, window) if day is not None else None


def _visible_or_404(visit_id: int) -> VisitRequest:
    visit = service.visible_visit(current_principal(), visit_id)
    if visit is None:
        abort(404)
    return visit


def _own_or_404(visit_id: int) -> VisitRequest:
    visit = service.own_visit(current_principal(), visit_id)
    if visit is None:
        abort(404)
    return visit


@blueprint.get("/")
@require("visits.request")
def index():
    user = current_principal()
    visits = service.visits_of(user)
    return render_template(
        "visits/index.html",
        visits=visits,
        people=service.people(visits),
        reason_titles=service.reason_titles(),
    )


@blueprint.route("/new", methods=["GET", "POST"])
@require("visits.request")
def new():
    user = current_principal()
    settings = visit_settings()
    accounts = accounts_of(user)
    values = {
        "account_id": str(accounts[0].id) if accounts else OTHER_ADDRESS,
        "address": "",
        "reason": "",
        "description": "",
        "slots": [],
    }
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = read_form(NewVisitForm())
        values = {**values, **form.values, "slots": form.values.get("slot", [])}
        errors = {name: [form.error(name)] for name in form.errors}
        account_id = None
        if values["account_id"] != OTHER_ADDRESS:
            account_id = parse_id(values["account_id"])
            if account_id is None:
                errors["account_id"] = [_("Choose one of your personal accounts.")]
        preferred = []
        for value in values["slots"]:
            parsed = _parse_slot(value)
            if parsed is None:
                errors["preferred"] = [_("Choose times from the list.")]
            else:
                preferred.append(parsed)
        files = [f for f in request.files.getlist("photos") if f and f.filename]
        photo_files = [service.PhotoFile(f.filename, f.read(MAX_BYTES + 1)) for f in files]
        if not errors:
            try:
                visit = service.request_visit(
                    g.tenant,
                    user,
                    reason=values["reason"],
                    preferred=preferred,
                    account_id=account_id,
                    address=values["address"] if account_id is None else "",
                    description=values["description"],
                    photo_files=photo_files,
                )
            except service.VisitError as error:
                unique = list(dict.fromkeys(preferred))
                errors = flat_errors(error.errors, unique)
            else:
                session.commit()
                flash(_("Your request is sent. We will call you to agree on the time."), "info")
                return redirect(url_for("visits.detail", visit_id=visit.id))
        session.rollback()
        if files and "photos" not in errors:
            errors["photos_again"] = [_("Attach the photos again, please.")]
    grid = slots.grid(settings, slots.local_today(g.tenant))
    days = [(day, list(day_slots)) for day, day_slots in groupby(grid, key=lambda s: s.day)]
    return render_template(
        "visits/new.html",
        accounts=accounts,
        reasons=settings["reasons"],
        days=days,
        values=values,
        errors=errors,
        max_photos=service.MAX_PHOTOS,
        max_mb=MAX_BYTES // (1024 * 1024),
        other=OTHER_ADDRESS,
    ), (400 if errors else 200)


def _detail_page(visit: VisitRequest, errors: dict | None = None, status: int = 200):
    user = current_principal()
    return render_template(
        "visits/detail.html",
        visit=visit,
        people=service.people([visit]),
        reason_titles=service.reason_titles(),
        photos=service.photos(visit),
        can_cancel=service.can_cancel(g.tenant, visit, user),
        can_rate=service.can_rate(visit, user),
        preferred=[(date.fromisoformat(p["date"]), p["window"]) for p in visit.preferred or []],
        errors=errors or {},
        values=read_form(RatingForm()).values if request.method == "POST" else {},
    ), status


@blueprint.get("/<int:visit_id>")
@require("visits.request")
def detail(visit_id: int):
    return _detail_page(_visible_or_404(visit_id))


@blueprint.post("/<int:visit_id>/cancel")
@require("visits.request")
def cancel(visit_id: int):
    visit = _own_or_404(visit_id)
    try:
        service.cancel(g.tenant, visit)
    except service.VisitStateError as error:
        session.rollback()
        flash(str(error), "error")
    else:
        session.commit()
        flash(_("The visit is cancelled."), "info")
    return redirect(url_for("visits.detail", visit_id=visit_id))


@blueprint.post("/<int:visit_id>/rate")
@require("visits.request")
def rate(visit_id: int):
    visit = _own_or_404(visit_id)
    form = read_form(RatingForm())
    rating = form.data.get("rating") if "rating" not in form.errors else None
    try:
        service.rate(visit, rating, form.values.get("rating_comment", ""))
    except service.VisitError as error:
        session.rollback()
        return _detail_page(visit, flat_errors(error.errors), 400)
    except service.VisitStateError as error:
        session.rollback()
        flash(str(error), "error")
    else:
        session.commit()
        flash(_("Thank you for your rating."), "info")
    return redirect(url_for("visits.detail", visit_id=visit_id))
