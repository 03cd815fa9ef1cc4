"""Operator tools for personal accounts: search, open, statement, manual payment, correction, users."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema

from core.access.guard import can, require
from core.accounts import service as account_service
from core.accounts.models import INDIVIDUAL, LEGAL, PersonalAccount
from core.console.blueprint import blueprint
from core.db import session
from core.db.queries import get_or_404
from core.identity.targets import target_user_by_login
from core.ledger.service import LedgerError
from core.money.figures import Operation, operations_page
from core.money.format import AmountError, parse_rubles
from core.money.services import service_titles
from core.money.titles import operation_title
from core.payments import service as payments
from core.web.bounds import parse_day
from core.web.input import Text, read_form
from core.web.pagination import requested_page

PAGE_SIZE = 50  # lines of a statement and accounts of a search per page


@dataclass(frozen=True)
class StatementLine:
    """One line of the operator's statement with its words resolved (titles read once per page)."""

    operation: Operation
    title: str
    service: str


class AccountInput(Schema):
    """The account pages' forms as the browser sends them; the services decide what they mean."""

    number = Text(40)
    holder_name = Text(300)
    holder_kind = Text(20)
    holder_inn = Text(20)
    address = Text(500)
    user = Text(254)
    login = Text(254)
    amount = Text(30)
    reason = Text(1000)
    key = Text(100)


@blueprint.get("/accounts")
@require("accounts.view")
def accounts():
    q = request.args.get("q", "")
    wanted = requested_page()
    page = account_service.search_accounts_page(q, after=wanted.after, before=wanted.before, size=PAGE_SIZE)
    return render_template("admin/accounts.html", page=page, rows=page.rows, q=q)


@blueprint.route("/accounts/new", methods=["GET", "POST"])
@require("accounts.manage")
def account_new():
    errors: dict[str, str] = {}
    submitted = read_form(AccountInput()).values if request.method == "POST" else {}
    values = {
        k: submitted.get(k, "") for k in ("number", "holder_name", "holder_kind", "holder_inn", "address", "user")
    }
    if request.method == "POST":
        user = None
        if values["user"].strip():
            user = target_user_by_login(values["user"])
            if user is None:
                errors["user"] = _("No user with this login.")
        if values["holder_kind"] not in (INDIVIDUAL, LEGAL):
            errors["holder_kind"] = _("Choose who holds the account.")
        if not errors:
            try:
                account = account_service.open_account(
                    values["number"],
                    holder_name=values["holder_name"],
                    holder_kind=values["holder_kind"],
                    holder_inn=values["holder_inn"],
                    address=values["address"],
                )
            except account_service.AccountError as error:
                errors[error.field] = _(error.message)
            else:
                if user is not None:
                    account_service.grant_access(user, account)
                session.commit()
                return redirect(url_for("admin.account", account_id=account.id))
        session.rollback()
    return render_template("admin/account_new.html", values=values, errors=errors), (400 if errors else 200)


def _period_bounds(tz: ZoneInfo) -> tuple[date, date]:
    today = datetime.now(tz).date()
    start, end = parse_day(request.args.get("from")), parse_day(request.args.get("to"))
    if (request.args.get("from") and start is None) or (request.args.get("to") and end is None):
        return today.replace(day=1), today
    return start or today.replace(day=1), end or today


@blueprint.get("/accounts/<int:account_id>")
@require("accounts.view")
def account(account_id: int):
    acc = get_or_404(PersonalAccount, account_id)
    tz = ZoneInfo(g.tenant.timezone)
    start, end = _period_bounds(tz)
    wanted = requested_page()
    page = operations_page(
        acc,
        datetime.combine(start, datetime.min.time(), tz),
        datetime.combine(end + timedelta(days=1), datetime.min.time(), tz),
        after=wanted.after,
        before=wanted.before,
        size=PAGE_SIZE,
    )
    services = service_titles(g.tenant)  # once per page, not once per line
    return render_template(
        "admin/account.html",
        account=acc,
        page=page,
        lines=[
            StatementLine(op, operation_title(g.tenant, op), services.get(op.service or "", op.service or ""))
            for op in page.rows
        ],
        start=start,
        end=end,
        form_key=uuid.uuid4().hex,
        users=_users_of(acc),
        can=can,
    )


def _line(op: Operation, services: dict[str, str]) -> StatementLine:
    return StatementLine(op, operation_title(g.tenant, op), services.get(op.service or "", op.service or ""))


def _users_of(acc: PersonalAccount):
    from sqlalchemy import select

    from core.accounts.models import AccountAccess
    from core.identity.models import User

    return list(
        session.scalars(
            select(User)
            .join(AccountAccess, AccountAccess.user_id == User.id)
            .where(AccountAccess.personal_account_id == acc.id)
        )
    )


@blueprint.post("/accounts/<int:account_id>/payment")
@require("payments.manual")
def account_payment(account_id: int):
    acc = get_or_404(PersonalAccount, account_id)
    form = read_form(AccountInput()).values
    try:
        amount = parse_rubles(form.get("amount", ""))
        payments.manual_payment(acc, amount, form.get("reason", ""), form.get("key") or uuid.uuid4().hex)
    except (AmountError, payments.PaymentError, LedgerError) as error:
        session.rollback()
        flash(_("Payment not taken: %(reason)s", reason=str(error)), "error")
    else:
        session.commit()
        flash(_("Payment of %(amount)s taken.", amount=form.get("amount")), "info")
    return redirect(url_for("admin.account", account_id=acc.id))


@blueprint.post("/accounts/<int:account_id>/correction")
@require("ledger.correct")
def account_correction(account_id: int):
    acc = get_or_404(PersonalAccount, account_id)
    form = read_form(AccountInput()).values
    text = form.get("amount", "")
    negative = text.startswith("-")
    try:
        amount = parse_rubles(text.lstrip("+-"))
        payments.correction(
            acc,
            -amount if negative else amount,
            form.get("reason", ""),
            form.get("key") or uuid.uuid4().hex,
        )
    except (AmountError, payments.PaymentError, LedgerError) as error:
        session.rollback()
        flash(_("Correction not made: %(reason)s", reason=str(error)), "error")
    else:
        session.commit()
        flash(_("Correction made."), "info")
    return redirect(url_for("admin.account", account_id=acc.id))


@blueprint.post("/accounts/<int:account_id>/users")
@require("accounts.manage")
def account_users(account_id: int):
    acc = get_or_404(PersonalAccount, account_id)
    user = target_user_by_login(read_form(AccountInput()).values.get("login", ""))
    if user is None:
        flash(_("No user with this login."), "error")
    else:
        account_service.grant_access(user, acc)
        session.commit()
        flash(_("Access given."), "info")
    return redirect(url_for("admin.account", account_id=acc.id))
