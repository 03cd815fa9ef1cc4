"""Bank payment registries: upload and reconciliation reports; unidentified payments (suspense) to move."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from core.access.guard import current_principal, require
from core.accounts.service import find_account
from core.console.blueprint import blueprint
from core.db import session
from core.db.keyset import keyset_page
from core.db.queries import get_or_404
from core.money.format import format_money
from core.payments.models import DONE, IMPORT_DONE, QUEUED, RUNNING, SUSPENSE, Payment, RegistryImport, RegistryUpload
from core.payments.registry import Problem
from core.payments.service import PaymentError, move_from_suspense
from core.payments.uploads import MAX_UPLOAD_BYTES, problems_of, queue_upload, upload_status
from core.web.bounds import page_number
from core.web.input import read_form
from core.web.pagination import requested_page

PAGE_SIZE = 50
UPLOADS_SHOWN = 20


class MoveInput(Schema):
    """Where an unidentified payment goes, and why."""

    account = fields.String(required=True, validate=validate.Length(max=40))
    reason = fields.String(required=True, validate=validate.Length(max=300))


def money(kopecks: int) -> str:
    """Kopecks as rubles in the page's language (``1 500,00 ₽``)."""
    return format_money(kopecks)


def problem_text(problem: Problem) -> str:
    """A registry problem in the page's language."""
    return _(problem.message, **problem.params)


def _page() -> int:
    return page_number()


@blueprint.url_value_preprocessor
def _registry_upload_limit(endpoint: str | None, _values: dict | None) -> None:
    """A registry may be larger than the app's request limit; set before anything (CSRF) reads the form."""
    if endpoint == "admin.registries":
        request.max_content_length = MAX_UPLOAD_BYTES


@blueprint.route("/payments/registries", methods=["GET", "POST"])
@require("payments.import")
def registries():
    error = None
    if request.method == "POST":
        upload = request.files.get("registry")
        if upload is None or not upload.filename:
            error = _("Choose the registry file.")
        else:
            queued = queue_upload(upload.read(), upload.filename, current_principal().login)
            session.commit()  # the job worker imports it (a big file would outlast the web request)
            return redirect(url_for("admin.registry_upload", upload_id=queued.id))
    wanted = requested_page()
    page = keyset_page(
        select(RegistryImport).where(RegistryImport.status == IMPORT_DONE),  # one being posted: see its upload
        (RegistryImport.imported_at.desc(), RegistryImport.id.desc()),
        size=PAGE_SIZE,
        after=wanted.after,
        before=wanted.before,
    ).map(lambda row: row[0])
    uploads = session.scalars(
        select(RegistryUpload)
        .where(RegistryUpload.status != DONE)
        .order_by(RegistryUpload.id.desc())
        .limit(UPLOADS_SHOWN)
    )
    return render_template(
        "admin/registries.html",
        imports=page.rows,
        uploads=list(uploads),
        upload_status=upload_status,
        page=page,
        error=error,
        money=money,
    ), (400 if error else 200)


@blueprint.get("/payments/registries/uploads/<int:upload_id>")
@require("payments.import")
def registry_upload(upload_id: int):
    """An uploaded registry: waiting or being imported (the page refreshes itself), refused with its report, or
    imported (then its reconciliation report)."""
    upload = get_or_404(RegistryUpload, upload_id)
    if upload.status == DONE and upload.registry_import_id is not None:
        flash(_("The registry is imported."), "info")
        return redirect(url_for("admin.registry", import_id=upload.registry_import_id))
    return render_template(
        "admin/registry_upload.html",
        upload=upload,
        upload_status=upload_status,
        problems=problems_of(upload),
        problem_text=problem_text,
        waiting=upload.status in (QUEUED, RUNNING),
        money=money,
    )


@blueprint.get("/payments/registries/<int:import_id>")
@require("payments.import")
def registry(import_id: int):
    imported = get_or_404(RegistryImport, import_id)
    unidentified = list(
        session.scalars(
            select(Payment)
            .where(Payment.registry_import_id == imported.id, Payment.status == SUSPENSE)
            .order_by(Payment.id)
            .limit(PAGE_SIZE)
        )
    )
    return render_template("admin/registries_report.html", imported=imported, unidentified=unidentified, money=money)


def _suspense_page(errors: dict[int, dict[str, list[str]]] | None = None, values: dict[int, dict] | None = None):
    page = _page()
    rows = list(
        session.scalars(
            select(Payment)
            .where(Payment.status == SUSPENSE)
            .order_by(Payment.paid_at.desc(), Payment.id.desc())
            .limit(PAGE_SIZE + 1)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    return render_template(
        "admin/suspense.html",
        payments=rows[:PAGE_SIZE],
        page=page,
        has_next=len(rows) > PAGE_SIZE,
        errors=errors or {},
        values=values or {},
        money=money,
    ), (400 if errors else 200)


@blueprint.get("/payments/suspense")
@require("payments.suspense")
def suspense():
    return _suspense_page()


@blueprint.post("/payments/suspense/<int:payment_id>/move")
@require("payments.suspense")
def suspense_move(payment_id: int):
    payment = get_or_404(Payment, payment_id)
    form = read_form(MoveInput())
    if form.ok:
        account = find_account(form.data["account"])
        if account is None:
            form.add_error("account", _("There is no personal account with this number."))
        else:
            try:
                move_from_suspense(payment, account, form.data["reason"])
            except PaymentError:
                session.rollback()
                flash(_("This payment is no longer in suspense."), "error")
                return _suspense_page()[0], 409
            else:
                session.commit()
                flash(
                    _(
                        "%(amount)s moved to the personal account %(account)s.",
                        amount=money(payment.amount),
                        account=account.number,
                    ),
                    "info",
                )
            return redirect(url_for("admin.suspense"))
    return _suspense_page({payment.id: form.errors}, {payment.id: form.values})
