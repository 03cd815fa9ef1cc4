"""FAQ pages: the subscriber's list, and the operator's editor."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate

from core.api import N_, current_tenant, get_or_404, plugin_settings, read_form, require, session
from plugins.faq import service
from plugins.faq.models import FaqEntry

blueprint = Blueprint(
    "faq", __name__, url_prefix="/faq", template_folder="templates", static_folder="static", static_url_path="/static"
)


def _settings():
    return plugin_settings(current_tenant(), "faq")


@blueprint.get("/")
@require("faq.read")
def index():
    return render_template("faq/index.html", entries=service.published_entries(), settings=_settings())


MAX_POSITION = 100_000  # the column is an integer; nobody orders more questions than this


class EntryForm(Schema):
    """What the operator's question form accepts; core's ``read_form`` translates the messages."""

    question = fields.String(
        required=True,
        validate=validate.Length(max=service.MAX_QUESTION, error=N_("At most 300 characters.")),
        error_messages={"required": N_("Enter the question.")},
    )
    answer = fields.String(
        required=True, validate=validate.Length(max=20_000), error_messages={"required": N_("Enter the answer.")}
    )
    position = fields.Integer(
        load_default=100,
        validate=validate.Range(min=0, max=MAX_POSITION, error=N_("Enter a whole number from 0 to 100000.")),
        error_messages={"invalid": N_("Enter a whole number.")},
    )
    published = fields.Boolean(load_default=False)


def _form_values() -> tuple[dict, dict]:
    form = read_form(EntryForm())
    return {**form.values, **form.data}, {name: form.error(name) for name in form.errors}


@blueprint.route("/manage", methods=["GET", "POST"])
@require("faq.manage")
def manage():
    values, errors = {"question": "", "answer": "", "position": "", "published": True}, {}
    if request.method == "POST":
        values, errors = _form_values()
        if not errors:
            service.add_entry(values["question"], values["answer"], values["position"], values["published"])
            session.commit()
            flash(_("Question added."), "info")
            return redirect(url_for("faq.manage"))
    return render_template(
        "faq/manage.html", entries=service.all_entries(), values=values, errors=errors, settings=_settings()
    ), 400 if errors else 200


@blueprint.route("/<int:entry_id>/edit", methods=["GET", "POST"])
@require("faq.manage")
def edit(entry_id: int):
    entry = get_or_404(FaqEntry, entry_id)
    values = {
        "question": entry.question,
        "answer": entry.answer,
        "position": entry.position,
        "published": entry.published,
    }
    errors: dict = {}
    if request.method == "POST":
        values, errors = _form_values()
        if not errors:
            service.update_entry(entry, values["question"], values["answer"], values["position"], values["published"])
            session.commit()
            flash(_("Saved."), "info")
            return redirect(url_for("faq.manage"))
    return render_template("faq/edit.html", entry=entry, values=values, errors=errors), 400 if errors else 200


@blueprint.post("/<int:entry_id>/delete")
@require("faq.manage")
def delete(entry_id: int):
    entry = get_or_404(FaqEntry, entry_id)
    service.delete_entry(entry)
    session.commit()
    flash(_("Deleted."), "info")
    return redirect(url_for("faq.manage"))
