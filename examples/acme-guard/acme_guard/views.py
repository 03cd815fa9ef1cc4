"""acme_guard's pages: the subscriber's list and the operator's admin page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate

from core.api import N_, Refused, current_principal, get_settings, read_form, require, session

from acme_guard import service

blueprint = Blueprint("acme_guard", __name__, url_prefix="/acme-guard", template_folder="templates")


class ItemForm(Schema):
    """What the admin page's form accepts (read through ``core.api.read_form``)."""

    title = fields.String(
        required=True,
        validate=validate.Length(min=1, max=service.MAX_TITLE),
        error_messages={"required": N_("Enter the title.")},
    )
    note = fields.String(load_default="", validate=validate.Length(max=1000))


@blueprint.get("/")
@require("acme_guard.read")
def index():
    return render_template("acme_guard/index.html", items=service.items(), settings=get_settings(service.NAME))


@blueprint.route("/manage", methods=["GET", "POST"])
@require("acme_guard.manage")
def manage():
    values, errors, status = {"title": "", "note": ""}, {}, 200
    if request.method == "POST":
        form = read_form(ItemForm())
        values = form.values
        errors = {name: form.error(name) for name in form.errors}
        if form.ok:
            try:
                item = service.add_item(**form.data)
            except Refused as refused:
                session.rollback()
                errors = {"title": " ".join(str(m) for m in refused.messages)}
                status = 409
            else:
                service.announce(item, current_principal())
                session.commit()
                flash(_("Item added."), "info")
                return redirect(url_for("acme_guard.manage"))
        else:
            status = 400
    return render_template("acme_guard/manage.html", items=service.items(), values=values, errors=errors), status
