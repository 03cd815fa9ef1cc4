"""The transfer specification pages of an organization (holders of the batch operations role there).

* ``dmdk.specifications`` (``/dmdk/organizations/<id>/specifications``): those it sent and those it received.
* ``dmdk.new_specification`` (``…/specifications/new``): the receiver and the batches (a draft).
* ``dmdk.specification`` (``…/specifications/<specification_id>``): its batches; the sender sends or deletes a
  draft, the receiver accepts or returns (with a reason) a sent one.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.api import (
    FormInput,
    Refused,
    current_principal,
    keyset_page,
    read_form,
    requested_page,
    require,
    session,
)
from plugins.dmdk.batches import service, terms, transfers
from plugins.dmdk.batches.access import batches_organization_or_404, specification_or_404
from plugins.dmdk.batches.forms import ReasonForm, SpecificationForm
from plugins.dmdk.batches.models import Specification
from plugins.dmdk.batches.uin import grouped
from plugins.dmdk.common.blueprints import web

PAGE_SIZE = 50


@web.route("/organizations/<int:organization_id>/specifications")
@require()
def specifications(organization_id: int):
    """The specifications the organization sent (its drafts too) and received, newest first."""
    organization = batches_organization_or_404(organization_id)
    wanted = requested_page()
    page = keyset_page(
        transfers.specifications_of(organization.id),
        (Specification.id.desc(),),
        size=PAGE_SIZE,
        after=wanted.after,
        before=wanted.before,
    ).map(lambda row: row[0])
    ids = [spec.sender_id for spec in page.rows] + [spec.receiver_id for spec in page.rows]
    return render_template(
        "dmdk/batches/specifications.html",
        organization=organization,
        page=page,
        names=transfers.names(ids),
        terms=terms,
    )


@web.route("/organizations/<int:organization_id>/specifications/new", methods=["GET", "POST"])
@require()
def new_specification(organization_id: int):
    """A draft specification: the receiving organization and the registered batches it lists."""
    organization = batches_organization_or_404(organization_id)
    refusals: list[str] = []
    status = 200
    form = FormInput.blank({"batch_ids": [str(value) for value in request.args.getlist("batch", type=int)]})
    if request.method == "POST":
        form = read_form(SpecificationForm())
        status = 400
        if form.ok:
            try:
                spec = transfers.create(
                    current_principal(), organization.id, form.data["receiver_inn"], form.data["batch_ids"]
                )
            except Refused as refused:
                session.rollback()
                refusals, status = refused.messages, 409
            else:
                session.commit()
                flash(_("Specification No. %(number)s is saved as a draft: check it and send it.", number=spec.id))
                return redirect(
                    url_for("dmdk.specification", organization_id=organization.id, specification_id=spec.id)
                )
    return render_template(
        "dmdk/batches/new_specification.html",
        organization=organization,
        form=form,
        refusals=refusals,
        receivers=[
            (inn, _("%(name)s, INN %(inn)s", name=name, inn=inn)) for inn, name in transfers.receivers(organization.id)
        ],
        batches=service.transferable(organization.id),
        terms=terms,
        grouped=grouped,
    ), status


def _page(organization, spec: Specification, form: FormInput | None = None, refusals=(), status: int = 200):
    return render_template(
        "dmdk/batches/specification.html",
        organization=organization,
        spec=spec,
        batches=transfers.batches_in(spec),
        names=transfers.names([spec.sender_id, spec.receiver_id]),
        form=form or FormInput.blank(),
        refusals=list(refusals),
        is_sender=spec.sender_id == organization.id,
        terms=terms,
        grouped=grouped,
    ), status


@web.route("/organizations/<int:organization_id>/specifications/<int:specification_id>")
@require()
def specification(organization_id: int, specification_id: int):
    """One specification: who sends it to whom, its batches and status, and what the visitor's side may do."""
    organization, spec = specification_or_404(organization_id, specification_id)
    return _page(organization, spec)


def _act(organization_id: int, specification_id: int, action, done: str, form: FormInput | None = None):
    """Run ``action(spec, organization_id)``; a refusal shows the page again (409). ``None``: the spec is gone."""
    organization, spec = specification_or_404(organization_id, specification_id)
    if form is not None and not form.ok:
        return _page(organization, spec, form, status=400)
    try:
        result = action(spec, organization.id)
    except Refused as refused:
        session.rollback()
        organization, spec = specification_or_404(organization_id, specification_id)
        return _page(organization, spec, form, refused.messages, status=409)
    session.commit()
    flash(done)
    if result is None:
        return redirect(url_for("dmdk.specifications", organization_id=organization.id))
    return redirect(url_for("dmdk.specification", organization_id=organization.id, specification_id=spec.id))


@web.route("/organizations/<int:organization_id>/specifications/<int:specification_id>/send", methods=["POST"])
@require()
def send_specification(organization_id: int, specification_id: int):
    """The sender sends its draft to the receiver."""
    return _act(
        organization_id,
        specification_id,
        lambda spec, own: transfers.send(current_principal(), spec, own),
        _("The specification is sent. The receiver's batch operators are notified."),
    )


@web.route("/organizations/<int:organization_id>/specifications/<int:specification_id>/accept", methods=["POST"])
@require()
def accept_specification(organization_id: int, specification_id: int):
    """The receiver accepts: the batches are its own from now on."""
    return _act(
        organization_id,
        specification_id,
        lambda spec, own: transfers.accept(current_principal(), spec, own),
        _("The specification is accepted: the batches are registered with your organization."),
    )


@web.route("/organizations/<int:organization_id>/specifications/<int:specification_id>/return", methods=["POST"])
@require()
def return_specification(organization_id: int, specification_id: int):
    """The receiver returns the specification with the reason: the batches stay the sender's."""
    specification_or_404(organization_id, specification_id)  # someone else's: 404 before the form is read
    form = read_form(ReasonForm())
    return _act(
        organization_id,
        specification_id,
        lambda spec, own: transfers.return_(current_principal(), spec, own, form.data["reason"]),
        _("The specification is returned to the sender."),
        form,
    )


@web.route("/organizations/<int:organization_id>/specifications/<int:specification_id>/delete", methods=["POST"])
@require()
def delete_specification(organization_id: int, specification_id: int):
    """The sender deletes its draft; the batches are free again."""
    return _act(
        organization_id,
        specification_id,
        lambda spec, own: transfers.delete_draft(spec, own),
        _("The draft specification is deleted."),
    )
