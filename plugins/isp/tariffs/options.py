"""Which tariffs: those running on a contract, those offered to it, and those it may switch to."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.api import Tenant, plugin_settings, session
from plugins.isp.contracts.service import tariff_on
from plugins.isp.models import TARIFF_KINDS, Contract, Product, Subscription


def is_offered(contract: Contract, product: Product) -> bool:
    """Whether ``product`` is offered to the contract's category and holder kind."""
    return contract.category in (product.categories or []) and contract.account.holder_kind in (
        product.holder_kinds or []
    )


def current_tariffs(contract: Contract, today: date) -> list[Subscription]:
    """The contract's tariffs (internet, TV) running today, internet first."""
    found = [tariff_on(contract, kind, today) for kind in TARIFF_KINDS]
    return [s for s in found if s is not None]


def catalogue_tariffs(contract: Contract) -> list[Product]:
    """Every non-archived tariff offered to the contract's category and holder kind (what a legal entity reads)."""
    products = session.scalars(
        select(Product).where(Product.kind.in_(TARIFF_KINDS), Product.archived.is_(False)).order_by(Product.position)
    )
    return [p for p in products if is_offered(contract, p)]


def candidate_tariffs(tenant: Tenant, contract: Contract, current: Subscription) -> list[Product]:
    """The tariffs the tenant's rule lets ``current`` switch to (other limits are the quote's job)."""
    rule = plugin_settings(tenant, "isp").tariff_change_rule
    products = session.scalars(
        select(Product)
        .where(Product.kind == current.product.kind, Product.id != current.product_id)
        .order_by(Product.position)
    )
    if rule == "matrix":
        allowed = set(current.product.allowed_changes or [])
        return [p for p in products if p.code in allowed]
    return [p for p in products if not p.archived and is_offered(contract, p)]


def tariff_by_code(code: str) -> Product | None:
    """A tariff of the tenant's catalogue by its code (``None`` if there is no such tariff)."""
    product = session.scalar(select(Product).where(Product.code == (code or "").strip()))
    return product if product is not None and product.is_tariff else None
