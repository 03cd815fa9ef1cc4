"""Operator pages of subscriber categories: list, add, rename and order, remove an unused one."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, fields

from core.api import Text, get_or_404, read_form, require, session
from plugins.isp.categories import service
from plugins.isp.common.blueprints import web
from plugins.isp.models import SubscriberCategory

PERMISSION = "isp.catalog.manage"


class CategoryInput(Schema):
    """The category form as the browser sends it; the service decides what it means."""

    code = Text(40)
    title = Text(200)
    login_tab = fields.Boolean(load_default=False)
    position = Text(10)


def _page(errors: dict[int | None, dict[str, str]], values: dict | None = None, status: int = 200):
    rows = service.categories()
    return (
        render_template(
            "isp/categories/admin/categories.html",
            rows=rows,
            use={c.id: service.use_of(c) for c in rows},
            errors=errors,
            values=values or {"code": "", "title": "", "login_tab": True, "position": ""},
        ),
        status,
    )


def _position(text: str) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else (None if not text else -1)


@web.get("/admin/categories")
@require(PERMISSION)
def admin_categories():
    """The tenant's subscriber categories (each its own login tab) with how many contracts use them."""
    return _page({})


@web.post("/admin/categories")
@require(PERMISSION)
def admin_category_save():
    """Add a category (no ``id``) or change one (``?id=``): title, login tab, position."""
    form = read_form(CategoryInput())
    values = {
        "code": form.values.get("code", ""),
        "title": form.values.get("title", ""),
        "login_tab": bool(form.data.get("login_tab")),
        "position": form.values.get("position", ""),
    }
    raw_id = request.args.get("id", "")
    existing = (
        get_or_404(SubscriberCategory, int(raw_id))
        if raw_id.isascii() and raw_id.isdigit() and len(raw_id) < 10
        else None
    )
    if form.errors:
        return _page({existing.id if existing else None: {"title": _("Check the fields.")}}, values, 400)
    try:
        category = service.save(
            existing,
            code=form.data.get("code", ""),
            title=form.data.get("title", ""),
            login_tab=bool(form.data.get("login_tab")),
            position=_position(form.data.get("position", "")),
        )
    except service.CategoryError as error:
        session.rollback()
        return _page({existing.id if existing else None: error.errors}, values if existing is None else None, 400)
    session.commit()
    flash(_("Category «%(title)s» is saved.", title=category.title), "success")
    return redirect(url_for("isp.admin_categories"))


@web.post("/admin/categories/<int:category_id>/delete")
@require(PERMISSION)
def admin_category_delete(category_id: int):
    """Remove a category that no contract or tariff uses."""
    category = get_or_404(SubscriberCategory, category_id)
    try:
        service.remove(category)
    except service.CategoryError as error:
        session.rollback()
        flash(" ".join(error.errors.values()), "error")
    else:
        session.commit()
        flash(_("Category «%(title)s» is removed.", title=category.title), "success")
    return redirect(url_for("isp.admin_categories"))
