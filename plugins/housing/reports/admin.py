"""Operator pages for reports (``housing.reports.publish``): publish a PDF for a building or for everyone, see the
published ones, withdraw one."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from core.api import (
    Id,
    StoredFile,
    UploadRejected,
    current_principal,
    get_or_404,
    read_form,
    require,
    session,
)
from plugins.housing.common.blueprints import web
from plugins.housing.models import Building, Report
from plugins.housing.reports.service import NOT_A_PDF, PUBLISH, publish

UPLOAD_FIELD = "document"


class ReportForm(Schema):
    """A report's title and its building (none: every resident)."""

    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    building_id = Id(load_default=None)


def _page(values: dict, errors: dict, status: int = 200):
    buildings = list(session.scalars(select(Building).order_by(Building.address)))
    published = list(session.scalars(select(Report).order_by(Report.published_on.desc(), Report.id.desc())))
    return render_template(
        "housing/reports/admin/reports.html",
        buildings=buildings,
        published=published,
        values=values,
        errors=errors,
        choices=[("", _("All residents"))] + [(str(b.id), b.address) for b in buildings],
    ), status


@web.get("/admin/reports")
@require(PUBLISH)
def admin_reports():
    """The published reports and the form to publish one."""
    return _page({}, {})


@web.post("/admin/reports")
@require(PUBLISH)
def admin_report_publish():
    """Publish an uploaded PDF; anything but a PDF is refused with the reason and nothing is stored."""
    form = read_form(ReportForm())
    errors = dict(form.errors)
    building = None
    if form.ok and form.data.get("building_id") is not None:
        building = get_or_404(Building, form.data["building_id"])
    upload = request.files.get(UPLOAD_FIELD)
    data = upload.read() if upload is not None and upload.filename else b""
    if not data:
        errors.setdefault(UPLOAD_FIELD, []).append(_("Choose the PDF file."))
    if errors:
        return _page(form.values, errors, 400)
    try:
        report = publish(form.data["title"], building, upload.filename, data, current_principal().id)
    except UploadRejected:
        session.rollback()
        return _page(form.values, {UPLOAD_FIELD: [_(NOT_A_PDF)]}, 400)
    session.commit()
    flash(_("The report “%(title)s” is published.", title=report.title), "info")
    return redirect(url_for("housing.admin_reports"))


@web.post("/admin/reports/<int:report_id>/withdraw")
@require(PUBLISH)
def admin_report_withdraw(report_id: int):
    """Withdraw a report: residents no longer see it, and its file is no longer served."""
    report = get_or_404(Report, report_id)
    stored = session.scalar(select(StoredFile).where(StoredFile.id == report.file_id)) if report.file_id else None
    session.delete(report)
    session.flush()
    if stored is not None:
        session.delete(stored)
    session.commit()
    flash(_("The report is withdrawn."), "info")
    return redirect(url_for("housing.admin_reports"))
