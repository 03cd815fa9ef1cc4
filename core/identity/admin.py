"""Subscribers: list and search, create with a printable credentials sheet, block, reset password."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from marshmallow import Schema
from sqlalchemy import select

from core.access.guard import require
from core.access.models import Role, RoleAssignment
from core.accounts.service import accounts_of
from core.console.blueprint import blueprint
from core.console.forms import NewUserInput
from core.db import session
from core.db.keyset import keyset_page
from core.identity import service
from core.identity.forms import login_label
from core.identity.models import USER_ACTIVE, USER_BLOCKED, USER_DELETED, User
from core.identity.targets import target_user
from core.web.csv_export import csv_response
from core.web.input import FormInput, Text, read_form
from core.web.labels import status_label
from core.web.pagination import requested_page
from core.web.sorting import SortOrder, chosen_order

PAGE_SIZE = 50
CSV_LIMIT = 100_000
STATUS_MESSAGES = {
    USER_ACTIVE: _l("Access to the cabinet is restored."),
    USER_BLOCKED: _l("Access to the cabinet is blocked."),
    USER_DELETED: _l("The account is deleted; its history is kept."),
}


SUBSCRIBER_ORDERS = (
    SortOrder("new", _l("newest first"), (User.id.desc(),)),
    SortOrder("login", _l("by login"), (User.login, User.id)),
    SortOrder("name", _l("by name"), (User.full_name, User.id)),
)


def subscribers_query(q: str, order: SortOrder = SUBSCRIBER_ORDERS[0]):
    stmt = (
        select(User)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .join(Role, Role.id == RoleAssignment.role_id)
        .where(Role.code == "subscriber")
    )
    if q.strip():
        stmt = stmt.where(User.search_text.contains(q.strip().casefold(), autoescape=True))
    return stmt.order_by(*order.columns)


class StatusInput(Schema):
    status = Text(20)


@blueprint.get("/subscribers")
@require("subscribers.view")
def subscribers():
    q = request.args.get("q", "")
    order = chosen_order(SUBSCRIBER_ORDERS)
    if request.args.get("format") == "csv":
        users = session.scalars(subscribers_query(q, order).limit(CSV_LIMIT))
        return csv_response(
            "subscribers.csv",
            [_l("Login"), _l("Full name"), _l("E-mail"), _l("Phone"), _l("Status"), _l("Created")],
            (
                (u.login, u.full_name, u.email or "", u.phone, status_label(u.status), u.created_at.date().isoformat())
                for u in users
            ),
        )
    wanted = requested_page()
    page = keyset_page(
        subscribers_query(q, order).order_by(None),
        order.columns,
        size=PAGE_SIZE,
        after=wanted.after,
        before=wanted.before,
    ).map(lambda row: row[0])
    return render_template(
        "admin/subscribers.html",
        users=page.rows,
        q=q,
        page=page,
        orders=SUBSCRIBER_ORDERS,
        order=order,
    )


@blueprint.route("/subscribers/new", methods=["GET", "POST"])
@require("subscribers.manage")
def new_subscriber():
    schema = NewUserInput()
    form = read_form(schema) if request.method == "POST" else FormInput.blank()
    if request.method == "POST" and form.ok:
        try:
            user, password = service.create_user(
                g.tenant,
                form.data["login"],
                full_name=form.data["full_name"],
                email=form.data["email"] or None,
                phone=form.data["phone"],
            )
        except service.IdentityError as error:
            session.rollback()
            form.add_error(error.field if error.field in schema.fields else "login", error.message)
        else:
            session.commit()
            return render_template("admin/credentials.html", user=user, password=password)
    return render_template("admin/subscriber_new.html", form=form, label=login_label(g.tenant.login_identifier))


@blueprint.get("/subscribers/<int:user_id>")
@require("subscribers.view")
def subscriber(user_id: int):
    user = target_user(user_id)
    return render_template("admin/subscriber.html", user=user, accounts=accounts_of(user))


@blueprint.post("/subscribers/<int:user_id>/status")
@require("subscribers.manage")
def subscriber_status(user_id: int):
    user = target_user(user_id)
    status = read_form(StatusInput()).values.get("status")
    if status in (USER_ACTIVE, USER_BLOCKED, USER_DELETED):
        service.set_status(user, status)
        session.commit()
        flash(STATUS_MESSAGES[status], "info")
    return redirect(url_for("admin.subscriber", user_id=user.id))


@blueprint.post("/subscribers/<int:user_id>/password")
@require("subscribers.manage")
def subscriber_password(user_id: int):
    user = target_user(user_id)
    password = service.reset_password_by_operator(user)
    session.commit()
    return render_template("admin/credentials.html", user=user, password=password)
