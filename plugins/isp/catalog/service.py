"""The catalogue: internet and TV tariffs, add-ons and extra TV packages, and who they are offered to.

Operators edit it per tenant (:mod:`plugins.isp.catalog.admin`). A product that is on any contract
is never deleted: it is archived instead — archived tariffs stay on the contracts that have them and
are not offered to anyone new. Prices are integer kopecks per month.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, or_, select

from core.api import (
    AmountError,
    audit,
    format_money,
    parse_rubles,
    request_memo,
    session,
)
from plugins.isp.categories import service as categories
from plugins.isp.models import (
    ADDON,
    HOLDER_KINDS,
    INTERNET,
    NEXT_DAY,
    NEXT_MONTH,
    PRODUCT_KINDS,
    START_RULES,
    TARIFF_KINDS,
    TV,
    TV_PACKAGE,
    Product,
    Subscription,
    TariffChange,
)

KIND_TITLES = {
    INTERNET: _l("Internet tariff"),
    TV: _l("TV tariff"),
    ADDON: _l("Additional service"),
    TV_PACKAGE: _l("Extra TV package"),
}
HOLDER_KIND_TITLES = {"individual": _l("Individuals"), "legal": _l("Legal entities")}
START_RULE_TITLES = {NEXT_DAY: _l("From the next day"), NEXT_MONTH: _l("From the 1st of next month")}

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
MAX_PRICE = 10_000_000_00  # ten million roubles a month is surely a typo


class CatalogError(ValueError):
    """A catalogue change is refused (e.g. deleting a product that is in use)."""


def all_products() -> list[Product]:
    """Every product of the tenant, archived too: tariffs first, then add-ons, by position and title.

    Read once per request (the news audiences, the service titles and the catalogue pages share it).
    """
    order = {kind: i for i, kind in enumerate(PRODUCT_KINDS)}
    products = request_memo("isp.all_products", lambda: tuple(session.scalars(select(Product))))
    return sorted(products, key=lambda p: (order.get(p.kind, 99), p.position, p.title))


def tariffs() -> list[Product]:
    """The tenant's internet and TV tariffs, archived too."""
    return [p for p in all_products() if p.kind in TARIFF_KINDS]


def product_by_code(code: str) -> Product | None:
    return session.scalar(select(Product).where(Product.code == code))


def offered(category: str, holder_kind: str, kinds: tuple[str, ...] = PRODUCT_KINDS) -> list[Product]:
    """Products a new subscriber of ``category`` and ``holder_kind`` may get (never archived ones)."""
    return [
        p
        for p in all_products()
        if p.kind in kinds and not p.archived and category in p.categories and holder_kind in p.holder_kinds
    ]


def in_use(product: Product) -> bool:
    """Whether any contract has (had or will have) the product, or a tariff change names it."""
    used = session.scalar(select(exists().where(Subscription.product_id == product.id)))
    return bool(used) or bool(session.scalar(select(exists().where(TariffChange.to_product_id == product.id))))


def users_count(product: Product, day: date) -> int:
    """How many contracts have the product running on ``day``."""
    rows = session.scalars(
        select(Subscription.contract_id)
        .where(
            Subscription.product_id == product.id,
            Subscription.starts_on <= day,
            or_(Subscription.ends_on.is_(None), Subscription.ends_on >= day),
        )
        .distinct()
    )
    return len(list(rows))


@dataclass
class ProductForm:
    """What the operator typed: ``values`` to show again, ``errors`` by field, ``data`` when valid."""

    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def form_values(product: Product | None, kind: str = INTERNET) -> dict[str, Any]:
    """The form's starting values: the product's, or a new product's defaults."""
    if product is None:
        return {
            "code": "",
            "kind": kind if kind in PRODUCT_KINDS else INTERNET,
            "title": "",
            "description": "",
            "price": "",
            "speed_mbps": "",
            "channels": "",
            "categories": categories.codes(),
            "holder_kinds": ["individual"],
            "includes": "",
            "allowed_changes": "",
            "start_rule": NEXT_DAY,
            "position": "100",
            "archived": False,
        }
    return {
        "code": product.code,
        "kind": product.kind,
        "title": product.title,
        "description": product.description,
        "price": format_money(product.monthly_fee, "wire"),
        "speed_mbps": "" if product.speed_mbps is None else str(product.speed_mbps),
        "channels": "" if product.channels is None else str(product.channels),
        "categories": list(product.categories),
        "holder_kinds": list(product.holder_kinds),
        "includes": ", ".join(product.includes),
        "allowed_changes": ", ".join(product.allowed_changes),
        "start_rule": product.start_rule,
        "position": str(product.position),
        "archived": product.archived,
    }


def _codes(text: str) -> list[str]:
    return [c for c in (part.strip().lower() for part in re.split(r"[,\s]+", text or "")) if c]


def _whole(text: str, low: int, high: int) -> int | None:
    try:
        number = int((text or "").strip())
    except ValueError:
        return None
    return number if low <= number <= high else None


def check_product(form: Mapping[str, Any], product: Product | None) -> ProductForm:
    """Check a submitted product form; ``product`` is the one being edited (``None`` for a new one).

    ``form`` is what ``read_form(ProductInput())`` read (lists for the check boxes). The code and the kind
    of a product that is in use cannot change (contracts and bundles refer to them).
    """
    locked = product is not None and in_use(product)
    values = {
        "code": (form.get("code") or "").strip().lower(),
        "kind": form.get("kind") or "",
        "title": (form.get("title") or "").strip(),
        "description": (form.get("description") or "").strip(),
        "price": (form.get("price") or "").strip(),
        "speed_mbps": (form.get("speed_mbps") or "").strip(),
        "channels": (form.get("channels") or "").strip(),
        "categories": [c for c in form.get("categories", []) if c in categories.codes()],
        "holder_kinds": [h for h in form.get("holder_kinds", []) if h in HOLDER_KINDS],
        "includes": (form.get("includes") or "").strip(),
        "allowed_changes": (form.get("allowed_changes") or "").strip(),
        "start_rule": form.get("start_rule") or NEXT_DAY,
        "position": (form.get("position") or "100").strip(),
        "archived": bool(form.get("archived")),
    }
    if locked:
        values["code"], values["kind"] = product.code, product.kind
    result = ProductForm(values)
    errors = result.errors
    kind = values["kind"]
    if kind not in PRODUCT_KINDS:
        errors["kind"] = str(_l("Choose what the product is."))
    code = values["code"]
    if not CODE_RE.match(code):
        errors["code"] = str(
            _l("Use 1–40 lowercase Latin letters, digits, '-' or '_', starting with a letter or digit.")
        )
    else:
        same = product_by_code(code)
        if same is not None and same is not product:
            errors["code"] = str(_l("A product with this code already exists."))
    if not values["title"]:
        errors["title"] = str(_l("Enter the title subscribers see."))
    elif len(values["title"]) > 200:
        errors["title"] = str(_l("At most 200 characters."))
    try:
        price = parse_rubles(values["price"])
    except AmountError:
        errors["price"] = str(_l("Enter the price per month in roubles, for example 650 or 499,90."))
        price = 0
    else:
        if price < 0:
            errors["price"] = str(_l("The price cannot be negative."))
        elif price > MAX_PRICE:
            errors["price"] = str(_l("The price is too large."))
    speed = None
    if kind == INTERNET:
        speed = _whole(values["speed_mbps"], 1, 100_000)
        if speed is None:
            errors["speed_mbps"] = str(_l("Enter the speed in Mbit/s, a whole number from 1."))
    channels = None
    if kind in (TV, TV_PACKAGE) and values["channels"]:
        channels = _whole(values["channels"], 1, 10_000)
        if channels is None:
            errors["channels"] = str(_l("Enter the number of channels, a whole number from 1."))
    if not values["categories"]:
        errors["categories"] = str(_l("Choose at least one subscriber category."))
    if not values["holder_kinds"]:
        errors["holder_kinds"] = str(_l("Choose at least one kind of holder."))
    includes = _codes(values["includes"]) if kind in TARIFF_KINDS else []
    if includes:
        known = {p.code: p for p in all_products()}
        wrong = [c for c in includes if c not in known or known[c].kind not in (TV_PACKAGE, ADDON)]
        if wrong:
            errors["includes"] = str(
                _l("Not a TV package or additional service of the catalogue: %(codes)s.", codes=", ".join(wrong))
            )
    changes = _codes(values["allowed_changes"]) if kind in TARIFF_KINDS else []
    if changes:
        known = {p.code: p for p in all_products()}
        wrong = [c for c in changes if c == code or c not in known or known[c].kind != kind]
        if wrong:
            errors["allowed_changes"] = str(
                _l("Not another tariff of the same kind: %(codes)s.", codes=", ".join(wrong))
            )
    start_rule = values["start_rule"] if kind in (ADDON, TV_PACKAGE) else NEXT_DAY
    if start_rule not in START_RULES:
        errors["start_rule"] = str(_l("Choose when the service starts."))
    position = _whole(values["position"], -100_000, 100_000)
    if position is None:
        errors["position"] = str(_l("Enter a whole number."))
    if not errors:
        result.data = {
            "code": code,
            "kind": kind,
            "title": values["title"],
            "description": values["description"],
            "monthly_fee": price,
            "speed_mbps": speed,
            "channels": channels,
            "categories": [c for c in categories.codes() if c in values["categories"]],
            "holder_kinds": [h for h in HOLDER_KINDS if h in values["holder_kinds"]],
            "includes": list(dict.fromkeys(includes)),
            "allowed_changes": list(dict.fromkeys(changes)),
            "start_rule": start_rule,
            "position": position,
            "archived": values["archived"],
        }
    return result


def save_product(product: Product | None, data: dict[str, Any]) -> Product:
    """Create a product from checked ``data`` (:func:`read_form`), or update ``product``. Caller commits."""
    created = product is None
    if product is None:
        product = Product()
        session.add(product)
    for name, value in data.items():
        setattr(product, name, value)
    session.flush()
    audit("isp.catalog.create" if created else "isp.catalog.update", "product", product.code, None, dict(data))
    return product


def set_archived(product: Product, archived: bool) -> None:
    """Archive (stop offering to new subscribers; existing ones keep it) or bring back a product."""
    product.archived = archived
    session.flush()
    audit("isp.catalog.archive" if archived else "isp.catalog.restore", "product", product.code, None, None)


def delete_product(product: Product) -> None:
    """Delete a product nobody has ever had; raises :class:`CatalogError` for one in use or bundled."""
    if in_use(product):
        raise CatalogError(str(_l("The product is on contracts: archive it instead.")))
    bundling = [p.title for p in all_products() if product.code in p.includes]
    if bundling:
        raise CatalogError(str(_l("The product is included in: %(titles)s.", titles=", ".join(bundling))))
    audit("isp.catalog.delete", "product", product.code, None, None)
    session.delete(product)
    session.flush()
