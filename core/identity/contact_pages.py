"""The staff page that corrects a subscriber's name, phone, e-mail and address (on the admin blueprint)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema

from core.access.guard import require
from core.console.blueprint import blueprint
from core.db import session
from core.identity.contact_details import ContactDetails, current_details, update_contact_details
from core.identity.targets import target_user
from core.web.input import Text, read_form


class ContactInput(Schema):
    full_name = Text(200)
    phone = Text(40)
    email = Text(254)
    address = Text(400)


@blueprint.route("/subscribers/<int:user_id>/edit", methods=["GET", "POST"])
@require("subscribers.manage")
def subscriber_edit(user_id: int):
    user = target_user(user_id)
    details = current_details(user)
    values = vars(details)
    errors: dict = {}
    status = 200
    if request.method == "POST":
        form = read_form(ContactInput())
        errors, values = dict(form.errors), {**values, **form.values}
        if form.ok:
            address = form.data.get("address", "") if details.address is not None else None
            new = ContactDetails(form.data["full_name"], form.data["phone"], form.data["email"], address)
            errors = update_contact_details(user, new)
        if not errors:
            session.commit()
            flash(_("The subscriber's details are saved."), "info")
            return redirect(url_for("admin.subscriber", user_id=user.id))
        session.rollback()
        status = 400
    return render_template(
        "admin/subscriber_edit.html",
        user=user,
        values=values,
        errors=errors,
        address_editable=details.address is not None,
    ), status
