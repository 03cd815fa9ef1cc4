"""The batch pages of an organization (holders of the batch operations role there; anyone else: 404).

* ``dmdk.batches`` (``/dmdk/organizations/<id>/batches``): the batches, newest first, by status.
* ``dmdk.new_batch`` (``…/batches/new``): a new batch (a draft; the УИН generated or typed).
* ``dmdk.batch`` (``…/batches/<batch_id>``): its facts, register / write off (with a reason) / delete a draft.
* ``dmdk.import_batches`` (``…/batches/import``): a CSV file, all or nothing; ``dmdk.export_batches``
  (``…/batches/export.csv``): the organization's batches for a spreadsheet.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select

from core.api import (
    FormInput,
    Refused,
    csv_response,
    current_principal,
    keyset_page,
    read_form,
    requested_page,
    require,
    session,
)
from plugins.dmdk.batches import importer, service, terms, transfers
from plugins.dmdk.batches.access import batch_or_404, batches_organization_or_404
from plugins.dmdk.batches.forms import BatchForm, ImportForm, ReasonForm, batch_input
from plugins.dmdk.batches.models import Batch, Specification, SpecificationItem
from plugins.dmdk.batches.uin import grouped
from plugins.dmdk.common.blueprints import web

PAGE_SIZE = 50


def choices() -> dict[str, list[tuple[str, str]]]:
    """The kinds and metals as (code, title) choices in the reader's language."""
    return {
        "kind": [(code, _(title)) for code, title in terms.KINDS.items()],
        "metal": [(code, _(title)) for code, title in terms.METALS.items()],
    }


@web.route("/organizations/<int:organization_id>/batches")
@require()
def batches(organization_id: int):
    """The organization's batches, newest first; ``?status=`` shows one status only."""
    organization = batches_organization_or_404(organization_id)
    status = request.args.get("status", "")
    if status not in terms.STATUSES:
        status = ""
    wanted = requested_page()
    page = keyset_page(
        service.batches_of(organization.id, status or None),
        (Batch.id.desc(),),
        size=PAGE_SIZE,
        after=wanted.after,
        before=wanted.before,
    ).map(lambda row: row[0])
    return render_template(
        "dmdk/batches/list.html",
        organization=organization,
        page=page,
        status=status,
        statuses=terms.STATUSES,
        terms=terms,
        grouped=grouped,
    )


@web.route("/organizations/<int:organization_id>/batches/new", methods=["GET", "POST"])
@require()
def new_batch(organization_id: int):
    """A new batch of the organization: a draft until it is registered."""
    organization = batches_organization_or_404(organization_id)

    def page(form: FormInput, status: int):
        return render_template("dmdk/batches/new.html", organization=organization, form=form, choices=choices()), status

    if request.method == "GET":
        return page(FormInput.blank({"count": "1"}), 200)
    form = read_form(BatchForm())
    if not form.ok:
        return page(form, 400)
    try:
        created = service.create(current_principal(), organization.id, batch_input(form.data))
    except Refused as refused:
        session.rollback()
        for message in refused.messages:
            form.add_error("uin", message)
        return page(form, 409)
    session.commit()
    flash(_("The batch %(uin)s is saved as a draft. Register it to put it into circulation.", uin=created.uin))
    return redirect(url_for("dmdk.batch", organization_id=organization.id, batch_id=created.id))


def _specifications_of(organization_id: int, batch: Batch) -> list[Specification]:
    """The specifications that listed ``batch`` and that the organization sent or received, newest first."""
    return list(
        session.scalars(
            select(Specification)
            .join(SpecificationItem, SpecificationItem.specification_id == Specification.id)
            .where(
                SpecificationItem.batch_id == batch.id,
                or_(Specification.sender_id == organization_id, Specification.receiver_id == organization_id),
            )
            .order_by(Specification.id.desc())
        )
    )


def _page(organization, batch: Batch, form: FormInput | None = None, refusals=(), status: int = 200):
    specs = _specifications_of(organization.id, batch)
    return render_template(
        "dmdk/batches/batch.html",
        organization=organization,
        batch=batch,
        form=form or FormInput.blank(),
        refusals=list(refusals),
        specifications=specs,
        names=transfers.names([spec.sender_id for spec in specs] + [spec.receiver_id for spec in specs]),
        terms=terms,
        grouped=grouped,
    ), status


@web.route("/organizations/<int:organization_id>/batches/<int:batch_id>")
@require()
def batch(organization_id: int, batch_id: int):
    """One batch: what it is, its status and the actions it allows."""
    organization, found = batch_or_404(organization_id, batch_id)
    return _page(organization, found)


def _act(organization_id: int, batch_id: int, action, done: str, form: FormInput | None = None):
    """Run ``action(batch)`` on the organization's batch; a refusal shows the batch page again (409).

    ``action`` returns ``None`` when the batch is gone (then the list is shown next)."""
    organization, found = batch_or_404(organization_id, batch_id)
    if form is not None and not form.ok:
        return _page(organization, found, form, status=400)
    try:
        result = action(found)
    except Refused as refused:
        session.rollback()
        organization, found = batch_or_404(organization_id, batch_id)
        return _page(organization, found, form, refused.messages, status=409)
    session.commit()
    flash(done)
    if result is None:
        return redirect(url_for("dmdk.batches", organization_id=organization.id))
    return redirect(url_for("dmdk.batch", organization_id=organization.id, batch_id=batch_id))


@web.route("/organizations/<int:organization_id>/batches/<int:batch_id>/register", methods=["POST"])
@require()
def register_batch(organization_id: int, batch_id: int):
    """Register a draft: it is in circulation from now on."""
    return _act(organization_id, batch_id, service.register, _("The batch is registered."))


@web.route("/organizations/<int:organization_id>/batches/<int:batch_id>/write-off", methods=["POST"])
@require()
def write_off_batch(organization_id: int, batch_id: int):
    """Write a registered batch off, with the reason."""
    batch_or_404(organization_id, batch_id)  # another organization's batch: 404 before the form is read
    form = read_form(ReasonForm())
    return _act(
        organization_id,
        batch_id,
        lambda found: service.write_off(found, form.data["reason"]),
        _("The batch is written off."),
        form,
    )


@web.route("/organizations/<int:organization_id>/batches/<int:batch_id>/delete", methods=["POST"])
@require()
def delete_batch(organization_id: int, batch_id: int):
    """Delete a draft (a mistake); a registered batch is written off instead."""
    return _act(organization_id, batch_id, service.delete_draft, _("The draft is deleted."))


@web.route("/organizations/<int:organization_id>/batches/import", methods=["GET", "POST"])
@require()
def import_batches(organization_id: int):
    """Upload a CSV file of batches: every line right, or nothing imported and every problem with its line."""
    organization = batches_organization_or_404(organization_id)
    problems, error = [], ""
    form = FormInput.blank({"register": True})
    if request.method == "POST":
        form = read_form(ImportForm())
        upload = request.files.get("file")
        data = upload.read(importer.MAX_UPLOAD_BYTES + 1) if upload is not None and upload.filename else b""
        if not data:
            error = _("Choose the CSV file.")
        elif len(data) > importer.MAX_UPLOAD_BYTES:
            error = _("The file is larger than %(size)s MB.", size=importer.MAX_UPLOAD_BYTES // (1024 * 1024))
        else:
            try:
                outcome = importer.run(
                    current_principal(), organization.id, data, register=bool(form.data.get("register"))
                )
            except Refused as refused:  # a УИН taken by someone else meanwhile
                session.rollback()
                error = " ".join(refused.messages)
            else:
                if outcome.ok:
                    session.commit()
                    flash(_("Batches imported: %(count)s.", count=outcome.created))
                    return redirect(url_for("dmdk.batches", organization_id=organization.id))
                session.rollback()
                problems = outcome.problems
    return render_template(
        "dmdk/batches/import.html",
        organization=organization,
        form=form,
        columns=importer.template_header(),
        problems=problems,
        error=error,
    ), (400 if problems or error else 200)


@web.route("/organizations/<int:organization_id>/batches/export.csv")
@require()
def export_batches(organization_id: int):
    """The organization's batches as a CSV file (the columns of the import, and the status)."""
    organization = batches_organization_or_404(organization_id)
    rows = session.scalars(service.batches_of(organization.id).order_by(Batch.id))
    header = [*importer.template_header(), _("status")]
    return csv_response(
        f"batches-{organization.id}.csv",
        header,
        (
            (
                batch.uin,
                _(terms.KINDS[batch.kind]),
                batch.name,
                _(terms.METALS[batch.metal]),
                terms.fineness(batch.fineness),
                terms.grams(batch.weight_mg),
                batch.count,
                _(terms.STATUSES[batch.status]),
            )
            for batch in rows
        ),
    )
