"""The one upload page of a housing CSV import (meters, readings from the billing …)."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.api import session
from plugins.housing.common import csvimport


def upload_page(
    kind: csvimport.CsvImport,
    *,
    title: str,
    done: Callable[[dict[str, int]], str],
    back: str,
    note: str = "",
):
    """The upload form (field ``file``) of ``kind``; a good file is imported whole and ``done(counts)`` flashed,
    a bad one is refused with every problem and its line."""
    problems, error = [], ""
    if request.method == "POST":
        upload = request.files.get("file")
        data = upload.read(csvimport.MAX_UPLOAD_BYTES + 1) if upload is not None and upload.filename else b""
        if not data:
            error = _("Choose the CSV file.")
        elif len(data) > csvimport.MAX_UPLOAD_BYTES:
            error = _("The file is larger than %(size)s MB.", size=csvimport.MAX_UPLOAD_BYTES // (1024 * 1024))
        else:
            outcome = csvimport.run(kind, data)
            if outcome.ok:
                session.commit()
                flash(done(outcome.counts), "info")
                return redirect(url_for(request.endpoint, **(request.view_args or {})))
            problems = outcome.problems
    return render_template(
        "housing/common/import.html",
        title=title,
        columns=csvimport.titles(kind.columns),
        problems=problems,
        error=error,
        back=back,
        note=note,
    ), (400 if problems or error else 200)
