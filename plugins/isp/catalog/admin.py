"""Operator pages of the catalogue: list, add, edit, archive and delete tariffs and services."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.api import get_or_404, require, session
from plugins.isp.catalog import service as catalog
from plugins.isp.common.blueprints import web
from plugins.isp.common.calendar import tenant_today
from plugins.isp.models import CATEGORIES, HOLDER_KINDS, PRODUCT_KINDS, START_RULES, Product

PERMISSION = "isp.catalog.manage"


def _choices() -> dict:
    return {
        "kinds": [(k, catalog.KIND_TITLES[k]) for k in PRODUCT_KINDS],
        "categories": [(c, catalog.CATEGORY_TITLES[c]) for c in CATEGORIES],
        "holder_kinds": [(h, catalog.HOLDER_KIND_TITLES[h]) for h in HOLDER_KINDS],
        "start_rules": [(r, catalog.START_RULE_TITLES[r]) for r in START_RULES],
        "kind_titles": catalog.KIND_TITLES,
        "category_titles": catalog.CATEGORY_TITLES,
        "holder_kind_titles": catalog.HOLDER_KIND_TITLES,
        "start_rule_titles": catalog.START_RULE_TITLES,
    }


@web.get("/admin/catalog")
@require(PERMISSION)
def admin_catalog():
    today = tenant_today(g.tenant)
    products = catalog.all_products()
    groups = [(kind, [p for p in products if p.kind == kind]) for kind in PRODUCT_KINDS]
    counts = {p.id: catalog.users_count(p, today) for p in products}
    return render_template("isp/catalog/admin/catalog.html", groups=groups, counts=counts, **_choices())


@web.route("/admin/catalog/new", methods=["GET", "POST"])
@require(PERMISSION)
def admin_catalog_new():
    form = catalog.ProductForm(catalog.form_values(None, request.args.get("kind", "")))
    if request.method == "POST":
        form = catalog.read_form(request.form, None)
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
        form = catalog.read_form(request.form, product)
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
    archive = request.form.get("archived", "1") == "1"
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
