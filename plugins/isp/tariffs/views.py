"""Subscriber pages: tariffs (change with a quote, cancel), add-ons and TV packages, a legal entity's application.

Every change is quote-then-confirm: the quote page shows what will happen (price, start day, money
taken now) or the reasons it is refused, and a confirm button. Legal entities read the tariffs and
services with their conditions; their "change" is a written application to the operators.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from marshmallow import Schema, fields

from core.api import (
    Refused,
    Text,
    current_account,
    current_principal,
    current_tenant,
    format_money,
    plugin_settings,
    read_form,
    require,
    session,
    utcnow,
)
from plugins.isp.common.blueprints import web
from plugins.isp.common.calendar import tenant_today
from plugins.isp.contracts.service import contract_of, subscriptions_on, upcoming
from plugins.isp.models import Contract, Product
from plugins.isp.tariffs import addons, applications, changes

REFUSED_STATUS = 409


def _contract() -> Contract | None:
    return contract_of(current_account())


def _no_contract():
    return render_template("isp/tariffs/tariff_no_contract.html")


def _tariffs_page(contract: Contract, error: str | None = None, status: int = 200):
    tenant = current_tenant()
    today = tenant_today(tenant)
    settings = plugin_settings(tenant, "isp")
    current = changes.current_tariffs(contract, today)
    options = {
        sub.id: [
            changes.quote_change(tenant, contract, product, today)
            for product in changes.candidate_tariffs(tenant, contract, sub)
        ]
        for sub in current
    }
    return (
        render_template(
            "isp/tariffs/tariffs.html",
            contract=contract,
            today=today,
            settings=settings,
            current=current,
            options=options,
            change=changes.ordered_change(contract, today),
            catalogue=changes.catalogue_tariffs(contract) if contract.is_legal else [],
            error=error,
        ),
        status,
    )


class ChoiceInput(Schema):
    """The tariff and add-on forms as the browser sends them (the services decide what the codes mean)."""

    tariff = Text(40)
    product = Text(40)
    action = Text(20, load_default="connect")


class ApplicationInput(Schema):
    """A legal entity's application form."""

    products = fields.List(Text(40), load_default=list)
    comment = Text(5000)


@web.get("/tariffs")
@require("isp.use")
def tariffs():
    """The subscriber's tariffs, the ones they may switch to, and an ordered change (cancellable)."""
    contract = _contract()
    if contract is None:
        return _no_contract()
    return _tariffs_page(contract)


def _tariff_quote_page(contract: Contract, quote: changes.TariffQuote, status: int = 200):
    return render_template("isp/tariffs/tariff_quote.html", contract=contract, quote=quote), status


@web.get("/tariffs/quote")
@require("isp.use")
def tariff_quote():
    """The quote for a change to ``?tariff=<code>``: new price, start day, money taken now, or why not."""
    contract = _contract()
    if contract is None:
        return _no_contract()
    target = changes.tariff_by_code(request.args.get("tariff", ""))
    if target is None:
        return _tariffs_page(contract, _("Choose a tariff from the list."))
    tenant = current_tenant()
    return _tariff_quote_page(contract, changes.quote_change(tenant, contract, target, tenant_today(tenant)))


@web.post("/tariffs/confirm")
@require("isp.use")
def tariff_confirm():
    """Order the quoted change; refused → the quote again with the reasons."""
    contract = _contract()
    if contract is None:
        return _no_contract()
    chosen = read_form(ChoiceInput()).values.get("tariff", "")
    target = changes.tariff_by_code(chosen)
    if target is None:
        return _tariffs_page(contract, _("Choose a tariff from the list."), 422)
    tenant = current_tenant()
    now = utcnow()
    try:
        change = changes.confirm_change(tenant, contract, target, current_principal(), now)
    except Refused:
        session.rollback()
        contract = _contract()
        target = changes.tariff_by_code(chosen)
        quote = changes.quote_change(tenant, contract, target, tenant_today(tenant, now))
        return _tariff_quote_page(contract, quote, REFUSED_STATUS)
    session.commit()
    if change.status == "applied":
        flash(_("Your tariff is now «%(title)s».", title=change.to_product.title), "info")
    else:
        flash(
            _(
                "The change to «%(title)s» is ordered from %(day)s.",
                title=change.to_product.title,
                day=_date(change.effective_on),
            ),
            "info",
        )
    return redirect(url_for("isp.tariffs"))


@web.post("/tariffs/cancel")
@require("isp.use")
def tariff_cancel():
    """Cancel the ordered change before it starts."""
    contract = _contract()
    if contract is None:
        return _no_contract()
    try:
        change = changes.cancel_change(current_tenant(), contract, current_principal())
    except Refused as refused:
        session.rollback()
        flash(refused.reasons[0].message, "error")
        return redirect(url_for("isp.tariffs"))
    session.commit()
    message = _("The change is cancelled; your tariff stays.")
    if change.fee:
        message += " " + _("The fee of %(fee)s is returned to the balance.", fee=format_money(change.fee))
    flash(message, "info")
    return redirect(url_for("isp.tariffs"))


# ---------------------------------------------------------------------------------------------
# Add-ons and TV packages
# ---------------------------------------------------------------------------------------------


def _addons_page(contract: Contract, error: str | None = None, status: int = 200):
    tenant = current_tenant()
    today = tenant_today(tenant)
    mine = [
        s
        for s in [*subscriptions_on(contract, today), *upcoming(contract, today)]
        if s.product.kind in addons.ADDON_KINDS
    ]
    connected = {s.product_id for s in mine}
    return (
        render_template(
            "isp/tariffs/addons.html",
            contract=contract,
            today=today,
            mine=mine,
            bundling={s.id: addons.bundling_tariff(contract, s) for s in mine},
            offered=[p for p in addons.catalogue_addons(contract) if p.id not in connected],
            error=error,
        ),
        status,
    )


@web.get("/addons", endpoint="addons")
@require("isp.use")
def addons_page():
    """The subscriber's add-ons and TV packages, and the ones they may connect."""
    contract = _contract()
    if contract is None:
        return _no_contract()
    return _addons_page(contract)


def _chosen_addon() -> tuple[Product | None, str]:
    """The add-on and action the form (POST) or query names; no product when either is not a valid choice."""
    source = read_form(ChoiceInput()).values if request.method == "POST" else request.args
    product = addons.addon_by_code(source.get("product", ""))
    action = source.get("action", addons.CONNECT)
    return (product if action in addons.ACTIONS else None), action


@web.get("/addons/quote")
@require("isp.use")
def addon_quote():
    """The quote for ``?product=<code>&action=connect|disconnect``: start or last day, price, or why not."""
    contract = _contract()
    if contract is None:
        return _no_contract()
    product, action = _chosen_addon()
    if product is None:
        return _addons_page(contract, _("Choose a service from the list."))
    quote = addons.quote_addon(contract, product, action, tenant_today(current_tenant()))
    return render_template("isp/tariffs/addon_quote.html", contract=contract, quote=quote)


@web.post("/addons/confirm")
@require("isp.use")
def addon_confirm():
    """Connect or disconnect as quoted; refused → the quote again with the reasons."""
    contract = _contract()
    if contract is None:
        return _no_contract()
    product, action = _chosen_addon()
    if product is None:
        return _addons_page(contract, _("Choose a service from the list."), 422)
    tenant = current_tenant()
    now = utcnow()
    try:
        if action == addons.CONNECT:
            subscription = addons.connect(tenant, contract, product, current_principal(), now)
            message = _(
                "«%(title)s» is connected from %(day)s.", title=product.title, day=_date(subscription.starts_on)
            )
        else:
            quote = addons.disconnect(tenant, contract, product, current_principal(), now)
            message = (
                _("The order of «%(title)s» is cancelled.", title=product.title)
                if quote.last_day is None
                else _("«%(title)s» is disconnected from tomorrow.", title=product.title)
            )
    except Refused:
        session.rollback()
        contract = _contract()
        product = _chosen_addon()[0]
        quote = addons.quote_addon(contract, product, action, tenant_today(tenant, now))
        return render_template("isp/tariffs/addon_quote.html", contract=contract, quote=quote), REFUSED_STATUS
    session.commit()
    flash(message, "info")
    return redirect(url_for("isp.addons"))


# ---------------------------------------------------------------------------------------------
# A legal entity's written application
# ---------------------------------------------------------------------------------------------


@web.route("/application", methods=["GET", "POST"])
@require("isp.use")
def application():
    """A legal entity's application to change tariffs or services (a support conversation for operators)."""
    contract = _contract()
    if contract is None:
        return _no_contract()
    offered = applications.offered_products(contract) if contract.is_legal else []
    submitted = read_form(ApplicationInput()).values if request.method == "POST" else {}
    values = {"products": submitted.get("products", []), "comment": submitted.get("comment", "")}
    errors: dict[str, str] = {}
    if request.method == "POST" and contract.is_legal:
        try:
            scans = _uploaded_scans()
            ticket = applications.submit_application(
                contract, current_principal(), values["products"], values["comment"], scans=scans
            )
        except applications.ApplicationError as error:
            session.rollback()
            errors = error.errors
        else:
            session.commit()
            return render_template(
                "isp/tariffs/application_sent.html", contract=contract, ticket=ticket, scans=len(scans)
            )
    return (
        render_template(
            "isp/tariffs/application.html", contract=contract, offered=offered, values=values, errors=errors
        ),
        422 if errors else 200,
    )


def _uploaded_scans() -> list[tuple[str, bytes]]:
    """The signed scans of the application as ``(filename, bytes)`` (the request size is capped by the app)."""
    return [(f.filename or "", f.read()) for f in request.files.getlist("scan") if f and f.filename]


def _date(day) -> str:
    return format_date(day, "d MMMM y")
