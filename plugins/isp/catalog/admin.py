"""Operator pages of the catalogue: list, add, edit, archive and delete tariffs and services."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, fields

from core.api import Text, current_tenant, get_or_404, read_form, require, session
from plugins.isp.catalog import service as catalog
from plugins.isp.categories import service as categories
from plugins.isp.common.blueprints import web
from plugins.isp.common.calendar import tenant_today
from plugins.isp.models import HOLDER_KINDS, PRODUCT_KINDS, START_RULES, Product

PERMISSION = "isp.catalog.manage"


def _choices() -> dict:
    return {
        "kinds": [(k, catalog.KIND_TITLES[k]) for k in PRODUCT_KINDS],
        "categories": [(c.code, c.title) for c in categories.categories()],
        "holder_kinds": [(h, catalog.HOLDER_KIND_TITLES[h]) for h in HOLDER_KINDS],
        "start_rules": [(r, catalog.START_RULE_TITLES[r]) for r in START_RULES],
        "kind_titles": catalog.KIND_TITLES,
        "category_titles": categories.titles(),
        "holder_kind_titles": catalog.HOLDER_KIND_TITLES,
        "start_rule_titles": catalog.START_RULE_TITLES,
    }


class ProductInput(Schema):
    """The product form as the browser sends it; ``catalog.check_product`` decides what it means."""

    code = Text(40)
    kind = Text(20)
    title = Text(200)
    description = Text(5000)
    price = Text(30)
    speed_mbps = Text(10)
    channels = Text(10)
    categories = fields.List(Text(40), load_default=list)
    holder_kinds = fields.List(Text(40), load_default=list)
    includes = Text(2000)
    allowed_changes = Text(2000)
    start_rule = Text(40)
    position = Text(10)
    archived = fields.Boolean(load_default=False)


class ArchiveInput(Schema):
    archived = Text(1, load_default="1")


def _checked(product: Product | None) -> catalog.ProductForm:
    submitted = read_form(ProductInput())
    form = catalog.check_product(submitted.values, product)
    form.errors.update({name: submitted.error(name) for name in submitted.errors})
    return form


@web.get("/admin/catalog")
@require(PERMISSION)
def admin_catalog():
    today = tenant_today(current_tenant())
    products = catalog.all_products()
    groups = [(kind, [p for p in products if p.kind == kind]) for kind in PRODUCT_KINDS]
    counts = {p.id: catalog.users_count(p, today) for p in products}
    return render_template("isp/catalog/admin/catalog.html", groups=groups, counts=counts, **_choices())


@web.route("/admin/catalog/new", methods=["GET", "POST"])
@require(PERMISSION)
def admin_catalog_new():
    form = catalog.ProductForm(catalog.form_values(None, request.args.get("kind", "")))
    if request.method == "POST":
        form = _checked(None)
        if form.ok:
            product = catalog.save_product(None, form.data)
            session.commit()
            flash(_("«%(title)s» is added to the catalogue.", title=product.title), "info")
            return redirect(url_for("isp.admin_catalog"))
    return render_template(
        "isp/catalog/admin/catalog_form.html", product=None, form=form, locked=False, **_choices()
    ), (400 if form.errors else 200)


@web.route("/admin/catalog/<int:product_id>", methods=["GET", "POST"])
@require(PERMISSION)
def admin_catalog_edit(product_id: int):
    product = get_or_404(Product, product_id)
    locked = catalog.in_use(product)
    form = catalog.ProductForm(catalog.form_values(product))
    if request.method == "POST":
        form = _checked(product)
        if form.ok:
            catalog.save_product(product, form.data)
            session.commit()
            flash(_("Saved."), "info")
            return redirect(url_for("isp.admin_catalog"))
    return render_template(
        "isp/catalog/admin/catalog_form.html", product=product, form=form, locked=locked, **_choices()
    ), (400 if form.errors else 200)


@web.post("/admin/catalog/<int:product_id>/archive")
@require(PERMISSION)
def admin_catalog_archive(product_id: int):
    product = get_or_404(Product, product_id)
    archive = read_form(ArchiveInput()).data.get("archived", "1") == "1"
    catalog.set_archived(product, archive)
    session.commit()
    if archive:
        flash(
            _(
                "«%(title)s» is archived: subscribers who have it keep it; it is not offered any more.",
                title=product.title,
            ),
            "info",
        )
    else:
        flash(_("«%(title)s» is offered again.", title=product.title), "info")
    return redirect(url_for("isp.admin_catalog"))


@web.post("/admin/catalog/<int:product_id>/delete")
@require(PERMISSION)
def admin_catalog_delete(product_id: int):
    product = get_or_404(Product, product_id)
    try:
        catalog.delete_product(product)
    except catalog.CatalogError as refused:
        session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("isp.admin_catalog_edit", product_id=product_id))
    session.commit()
    flash(_("Deleted."), "info")
    return redirect(url_for("isp.admin_catalog"))
