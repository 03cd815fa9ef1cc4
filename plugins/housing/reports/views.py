"""The resident's reports page, ``housing.reports`` (``/housing/reports``): the company's documents for the
buildings the resident lives in and for everyone, each a link to the PDF (core's file download, which answers 404
to anyone else)."""

from __future__ import annotations

from flask import render_template

from core.api import current_principal, require
from plugins.housing.common.blueprints import web
from plugins.housing.reports.service import READ, reports_for


@web.get("/reports")
@require(READ)
def reports():
    """The reports the resident may read, newest first."""
    return render_template("housing/reports/reports.html", reports=reports_for(current_principal()))
