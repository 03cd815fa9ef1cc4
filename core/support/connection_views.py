"""The public connection-request page (no login): a name, a phone and an address to the operators' queue."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.access.guard import public
from core.db import session
from core.support import connection
from core.support.service import TicketError
from core.web.input import read_form

blueprint = Blueprint("connect", __name__, url_prefix="/connect")


@blueprint.route("/", methods=["GET", "POST"])
@public
def request_form():
    """GET shows the form; POST files the request (CSRF-checked, honeypot, limited per address)."""
    values: dict = {}
    errors: dict = {}
    status = 200
    if request.method == "POST":
        ip = request.remote_addr or ""
        waiting = connection.wait_minutes(ip)
        form = read_form(connection.ConnectionRequestForm())
        values = form.values
        if waiting:
            errors = {"_": _("Too many requests from your network. Try again in %(n)s min.", n=waiting)}
            status = 429
        elif form.ok and form.data["website"]:
            connection.count_only(ip)  # a bot filled the hidden field: thank it, file nothing
            session.commit()
            return redirect(url_for("connect.thanks"))
        elif form.ok:
            data = form.data
            try:
                connection.submit(data["name"], data["phone"], data["address"], data["comment"], ip)
            except TicketError as error:
                session.rollback()
                errors, status = {"_": " ".join(error.errors.values())}, 400
            else:
                session.commit()
                return redirect(url_for("connect.thanks"))
        else:
            errors = {name: form.error(name) for name in form.errors}
            status = 400
    return render_template("support/connect.html", values=values, errors=errors), status


@blueprint.get("/thanks")
@public
def thanks():
    return render_template("support/connect_thanks.html")
