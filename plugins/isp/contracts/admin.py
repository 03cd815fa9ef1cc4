"""Operator pages of contracts: search and filter, one contract's services and states, open a new one."""

from __future__ import annotations

import re
from datetime import date

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields
from sqlalchemy import exists, func, select

from core.api import (
    PersonalAccount,
    SortOrder,
    Text,
    can,
    chosen_order,
    csv_response,
    current_tenant,
    get_or_404,
    keyset_page,
    ledger,
    money_cell,
    parse_day,
    read_form,
    requested_page,
    require,
    session,
)
from plugins.isp.catalog import service as catalog
from plugins.isp.categories import service as categories
from plugins.isp.common.blueprints import web
from plugins.isp.common.calendar import tenant_today
from plugins.isp.common.links import optional_url
from plugins.isp.contracts.runway import runs_out_within
from plugins.isp.contracts.service import ContractError, NewContract, open_contract
from plugins.isp.contracts.views import overview
from plugins.isp.models import ACTIVE, FINISHED, HOLDER_KINDS, SCHEDULED, Contract, Freeze

LedgerAccount = ledger.LedgerAccount
PAGE_SIZE = 50
CSV_LIMIT = 100_000
STATES = ("active", "blocked", "frozen", "debtors", "runs_out")
INN_RE = re.compile(r"^(\d{10}|\d{12})$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _frozen_on(day: date):
    """SQL condition: the contract has a voluntary block covering ``day``."""
    return exists().where(
        Freeze.contract_id == Contract.id,
        Freeze.status.in_((SCHEDULED, ACTIVE, FINISHED)),
        Freeze.starts_on <= day,
        func.coalesce(Freeze.ended_on, Freeze.ends_on) >= day,
    )


CONTRACT_ORDERS = (
    SortOrder("number", _l("by number"), (Contract.number,)),
    SortOrder("debt", _l("largest debt first"), (LedgerAccount.balance, Contract.number)),
    SortOrder("holder", _l("by holder"), (PersonalAccount.holder_name, Contract.number)),
)


def contracts_query(q: str, state: str, day: date, order: SortOrder = CONTRACT_ORDERS[0]):
    """Contracts whose number, holder or address contains ``q``, in ``state`` on ``day`` (or any state)."""
    stmt = (
        select(Contract)
        .join(PersonalAccount, PersonalAccount.id == Contract.personal_account_id)
        .join(LedgerAccount, LedgerAccount.id == PersonalAccount.ledger_account_id)
    )
    text = q.strip().casefold()
    if text:
        stmt = stmt.where(
            PersonalAccount.search_text.contains(text, autoescape=True)
            | Contract.number.contains(q.strip(), autoescape=True)
        )
    if state == "blocked":
        stmt = stmt.where(Contract.blocked_since.is_not(None))
    elif state == "frozen":
        stmt = stmt.where(_frozen_on(day))
    elif state == "active":
        stmt = stmt.where(Contract.blocked_since.is_(None), ~_frozen_on(day))
    elif state == "debtors":
        stmt = stmt.where(LedgerAccount.balance < 0)
    elif state == "runs_out":
        stmt = stmt.where(runs_out_within(day), ~_frozen_on(day))
    return stmt.order_by(*order.columns)


def _contracts_csv(query, state: str):
    """The filtered list as a spreadsheet (``debtors.csv`` for the debtors)."""
    header = [_("Contract"), _("Holder"), _("Address"), _("Balance, ₽"), _("Blocked for debt")]
    rows = (
        (
            c.number,
            c.account.holder_name,
            c.account.address,
            money_cell(c.account.balance),
            _("yes") if c.is_blocked else "",
        )
        for c in session.scalars(query.limit(CSV_LIMIT))
    )
    return csv_response("debtors.csv" if state == "debtors" else "contracts.csv", header, rows)


@web.get("/admin/contracts")
@require("isp.contracts.view")
def admin_contracts():
    q = request.args.get("q", "")
    state = request.args.get("state", "")
    if state not in STATES:
        state = ""
    order = chosen_order(CONTRACT_ORDERS)
    today = tenant_today(current_tenant())
    if request.args.get("format") == "csv":
        return _contracts_csv(contracts_query(q, state, today, order), state)
    wanted = requested_page()
    query = contracts_query(q, state, today, order).order_by(None)
    page = keyset_page(query, order.columns, size=PAGE_SIZE, after=wanted.after, before=wanted.before)
    page = page.map(lambda row: row[0])
    rows = page.rows
    ids = [c.id for c in rows]
    frozen = set()
    if ids:
        frozen = set(session.scalars(select(Contract.id).where(Contract.id.in_(ids), _frozen_on(today))))
    return render_template(
        "isp/contracts/admin/contracts.html",
        contracts=rows,
        frozen=frozen,
        q=q,
        state=state,
        orders=CONTRACT_ORDERS,
        order=order,
        page=page,
        category_titles=categories.titles(),
        can_manage=can("isp.contracts.manage"),
    )


@web.get("/admin/contracts/<int:contract_id>")
@require("isp.contracts.view")
def admin_contract(contract_id: int):
    contract = get_or_404(Contract, contract_id)
    view = overview(contract, tenant_today(current_tenant()))
    links = {
        "account": optional_url("admin.account", account_id=contract.personal_account_id)
        if can("accounts.view")
        else None,
        "change_tariff": optional_url("isp.admin_change_tariff", contract_id=contract.id)
        if can("isp.contracts.manage")
        else None,
        "freeze": optional_url("isp.admin_freeze_form", contract_id=contract.id) if can("isp.freezes.manage") else None,
        "promises": optional_url("isp.admin_promises") if can("isp.promises.manage") else None,
        "termination": optional_url("isp.admin_termination", contract_id=contract.id)
        if can("isp.contracts.manage")
        else None,
        "documents": optional_url("isp.admin_documents", contract_id=contract.id) if contract.is_legal else None,
    }
    return render_template("isp/contracts/admin/contract.html", view=view, links=links)


class NewContractInput(Schema):
    """The new-contract form as the browser sends it; ``_check`` decides what it means."""

    number = Text(40)
    holder_name = Text(300)
    holder_kind = Text(20)
    holder_inn = Text(20)
    category = Text(40)
    address = Text(500)
    email = Text(254)
    phone = Text(40)
    products = fields.List(Text(40), load_default=list)
    starts_on = Text(20)


def _new_contract_values() -> dict:
    form = read_form(NewContractInput()).values
    return {
        "number": (form.get("number") or "").strip(),
        "holder_name": (form.get("holder_name") or "").strip(),
        "holder_kind": form.get("holder_kind") or "individual",
        "holder_inn": (form.get("holder_inn") or "").strip(),
        "category": form.get("category") or "",
        "address": (form.get("address") or "").strip(),
        "email": (form.get("email") or "").strip(),
        "phone": (form.get("phone") or "").strip(),
        "products": form.get("products", []),
        "starts_on": (form.get("starts_on") or "").strip(),
    }


def _check(values: dict) -> tuple[dict[str, str], date | None]:
    errors: dict[str, str] = {}
    if not values["number"]:
        errors["number"] = _("Enter the contract number.")
    if not values["holder_name"]:
        errors["holder_name"] = _("Enter the holder's full name or the organization's name.")
    if values["holder_kind"] not in HOLDER_KINDS:
        errors["holder_kind"] = _("Choose who holds the contract.")
    elif values["holder_kind"] == "legal" and not INN_RE.match(values["holder_inn"]):
        errors["holder_inn"] = _("Enter the organization's INN: 10 or 12 digits.")
    if values["category"] not in categories.codes():
        errors["category"] = _("Choose the subscriber category.")
    if values["email"] and not EMAIL_RE.match(values["email"]):
        errors["email"] = _("Enter an e-mail address like name@example.com.")
    starts_on = parse_day(values["starts_on"]) if values["starts_on"] else None
    if values["starts_on"] and starts_on is None:
        errors["starts_on"] = _("Enter the date as YYYY-MM-DD.")
    return errors, starts_on


def _included_twice(codes: list[str]) -> str | None:
    """A message when a chosen package is already included in a chosen tariff's price."""
    chosen = [p for p in catalog.all_products() if p.code in codes]
    for tariff in chosen:
        for package in chosen:
            if package.code in tariff.includes:
                return _(
                    "«%(package)s» is already included in «%(tariff)s».", package=package.title, tariff=tariff.title
                )
    return None


@web.route("/admin/contracts/new", methods=["GET", "POST"])
@require("isp.contracts.manage")
def admin_contract_new():
    today = tenant_today(current_tenant())
    values = {
        "number": "",
        "holder_name": "",
        "holder_kind": "individual",
        "holder_inn": "",
        "category": next(iter(categories.codes()), ""),
        "address": "",
        "email": "",
        "phone": "",
        "products": [],
        "starts_on": today.isoformat(),
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = _new_contract_values()
        errors, starts_on = _check(values)
        overlap = _included_twice(values["products"])
        if overlap:
            errors["products"] = overlap
        if not errors:
            new = NewContract(
                number=values["number"],
                holder_name=values["holder_name"],
                holder_kind=values["holder_kind"],
                holder_inn=values["holder_inn"] if values["holder_kind"] == "legal" else "",
                category=values["category"],
                address=values["address"],
                email=values["email"] or None,
                phone=values["phone"],
                products=tuple(values["products"]),
                starts_on=starts_on or today,
            )
            try:
                _contract, user, password = open_contract(current_tenant(), new, today)
            except ContractError as error:
                session.rollback()
                errors[error.field if error.field in values else "number"] = _(error.message)
            else:
                session.commit()
                return render_template("admin/credentials.html", user=user, password=password)
    products = [p for p in catalog.all_products() if not p.archived]
    return render_template(
        "isp/contracts/admin/contract_new.html",
        values=values,
        errors=errors,
        products=products,
        kind_titles=catalog.KIND_TITLES,
        category_titles=categories.titles(),
        holder_kind_titles=catalog.HOLDER_KIND_TITLES,
    ), (400 if errors else 200)
