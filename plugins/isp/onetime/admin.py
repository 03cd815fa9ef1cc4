"""Operator pages of one-time services: the catalogue (add, edit, archive) and the recent orders."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, fields

from core.api import Text, get_or_404, read_form, require, session
from plugins.isp.common.blueprints import web
from plugins.isp.models import OneTimeService
from plugins.isp.onetime import service

PERMISSION = "isp.catalog.manage"


class ServiceInput(Schema):
    """The catalogue form as the browser sends it; :func:`service.check_service` decides what it means."""

    code = Text(60)
    title = Text(300)
    description = Text(5000)
    price = Text(30)
    needs_visit = fields.Boolean(load_default=False)
    position = Text(10)


class ArchiveInput(Schema):
    archived = Text(1, load_default="1")


@web.get("/admin/onetime")
@require(PERMISSION)
def admin_onetime():
    """The one-time services catalogue and the latest orders with their visits."""
    return render_template(
        "isp/onetime/admin/onetime.html", items=service.all_services(), orders=service.recent_orders()
    )


def _form(item: OneTimeService | None):
    form = service.ServiceForm(service.form_values(item))
    if request.method == "POST":
        submitted = read_form(ServiceInput())
        form = service.check_service({**submitted.values, **submitted.data}, item)
        form.errors.update({name: submitted.error(name) for name in submitted.errors})
        if form.ok:
            saved = service.save_service(item, form.data)
            session.commit()
            flash(_("«%(title)s» is saved.", title=saved.title), "success")
            return redirect(url_for("isp.admin_onetime"))
    return (
        render_template("isp/onetime/admin/onetime_form.html", item=item, form=form),
        400 if form.errors else 200,
    )


@web.route("/admin/onetime/new", methods=["GET", "POST"])
@require(PERMISSION)
def admin_onetime_new():
    return _form(None)


@web.route("/admin/onetime/<int:service_id>", methods=["GET", "POST"])
@require(PERMISSION)
def admin_onetime_edit(service_id: int):
    return _form(get_or_404(OneTimeService, service_id))


@web.post("/admin/onetime/<int:service_id>/archive")
@require(PERMISSION)
def admin_onetime_archive(service_id: int):
    item = get_or_404(OneTimeService, service_id)
    archived = read_form(ArchiveInput()).data.get("archived", "1") == "1"
    service.set_archived(item, archived)
    session.commit()
    flash(
        _("«%(title)s» is archived.", title=item.title)
        if archived
        else _("«%(title)s» is offered again.", title=item.title),
        "info",
    )
    return redirect(url_for("isp.admin_onetime"))
