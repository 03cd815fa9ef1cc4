"""``dmdk.uin_lookup`` (``/dmdk/uin?uin=…``, public, no login): a buyer types a УИН and reads what the batch is
— kind, metal, fineness, weight, in circulation or written off, and the owner organization's name; no internal
ids, no history."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _

from core.api import FormInput, public, read_form, session, throttle, writes_on_get
from plugins.dmdk.batches import terms
from plugins.dmdk.batches.forms import LookupForm
from plugins.dmdk.batches.lookup import look_up
from plugins.dmdk.batches.uin import grouped
from plugins.dmdk.common.blueprints import web


@web.route("/uin")
@public
@writes_on_get  # an unknown number counts against the address
def uin_lookup():
    """The lookup form, and the batch of the УИН in the query (``?uin=``)."""

    def page(form: FormInput, status: int = 200, card=None, message: str = ""):
        return render_template(
            "dmdk/batches/lookup.html", form=form, card=card, message=message, terms=terms, grouped=grouped
        ), status

    if "uin" not in request.args:
        return page(FormInput.blank())
    form = read_form(LookupForm(), request.args)
    if not form.ok:
        return page(form, 400)
    found = look_up(form.data["uin"], request.remote_addr or "")
    session.commit()
    if found.wait_until is not None:
        minutes = throttle.minutes_left(found.wait_until)
        return page(
            form, 429, message=_("Too many lookups of unknown numbers. Try again in %(minutes)s min.", minutes=minutes)
        )
    if found.card is None:
        return page(form, 404, message=_("No batch with this UIN is in circulation. Check the number on the label."))
    return page(form, 200, card=found.card)
