"""Subscriber categories: per-tenant rows (code, title, login tab), not a list fixed in code.

TCTR has cable, Wi-Fi, satellite and radio access points; UralNet has cable only. Contracts and
tariffs name a category by its ``code``; the titles are the tenant's words. A tenant gets cable and
Wi-Fi when the plugin is enabled (:func:`ensure_defaults`); the operator adds, renames, orders and
removes categories on the admin page (a category still used by a contract or a tariff is kept).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.api import audit, current_tenant_id, process_cache, request_memo, session
from plugins.isp.models import Contract, Product, SubscriberCategory

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,9}$")
DEFAULTS = (("cable", "Кабельный интернет"), ("wifi", "Wi-Fi"))
"""The categories a tenant starts with (they were fixed in code before categories became data)."""


class CategoryError(ValueError):
    """The category is not saved; ``errors`` maps form fields to messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class CategoryUse:
    """How many contracts and tariffs name a category (a used category cannot be removed)."""

    contracts: int
    products: int

    @property
    def used(self) -> bool:
        return bool(self.contracts or self.products)


def categories() -> list[SubscriberCategory]:
    """The current tenant's categories in their order (read once per request)."""
    stmt = select(SubscriberCategory).order_by(SubscriberCategory.position, SubscriberCategory.id)
    return list(request_memo("isp.categories", lambda: tuple(session.scalars(stmt))))


def codes() -> list[str]:
    """The current tenant's category codes in order."""
    return [c.code for c in categories()]


def titles() -> dict[str, str]:
    """Code → title of the current tenant's categories (kept per process until the configuration changes)."""
    return dict(
        process_cache().get(
            ("isp.category_titles", current_tenant_id()), lambda: {c.code: c.title for c in categories()}
        )
    )


def title_of(code: str) -> str:
    """The title of ``code`` (the code itself for a category that no longer exists)."""
    return titles().get(code, code)


def ensure_defaults() -> list[SubscriberCategory]:
    """Create the default categories when the tenant has none (idempotent). The caller commits."""
    existing = categories()
    if existing:
        return existing
    for position, (code, title) in enumerate(DEFAULTS, start=1):
        session.add(SubscriberCategory(code=code, title=title, position=position * 10, login_tab=True))
    session.flush()
    return categories()


def use_of(category: SubscriberCategory) -> CategoryUse:
    """How many contracts and tariffs name ``category``."""
    contracts = session.scalar(select(func.count(Contract.id)).where(Contract.category == category.code)) or 0
    products = sum(1 for cats in session.scalars(select(Product.categories)) if category.code in (cats or []))
    return CategoryUse(contracts, products)


def _check(code: str, title: str, position: int | None, existing: SubscriberCategory | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if existing is None:
        if not CODE_RE.match(code):
            errors["code"] = _("The code is 1 to 10 lowercase Latin letters, digits or _, starting with a letter.")
        elif session.scalar(select(SubscriberCategory.id).where(SubscriberCategory.code == code)) is not None:
            errors["code"] = _("A category with this code already exists.")
    if not title:
        errors["title"] = _("Enter the category's name.")
    elif len(title) > 100:
        errors["title"] = _("The name is too long: at most %(n)s characters.", n=100)
    if position is not None and not 0 <= position <= 10000:
        errors["position"] = _("The position is a number from 0 to 10000.")
    return errors


def save(
    existing: SubscriberCategory | None, *, code: str, title: str, login_tab: bool, position: int | None
) -> SubscriberCategory:
    """Create a category (``existing`` None) or change one's title, login tab and position (never its code).

    Raises :class:`CategoryError`. Audited; the caller commits.
    """
    code, title = (code or "").strip(), (title or "").strip()
    errors = _check(code, title, position, existing)
    if errors:
        raise CategoryError(errors)
    if existing is None:
        last = session.scalar(select(func.max(SubscriberCategory.position))) or 0
        category = SubscriberCategory(code=code, title=title, login_tab=login_tab, position=position or last + 10)
        session.add(category)
        session.flush()
        audit("isp.category.create", "isp_category", code, None, {"title": title, "login_tab": login_tab})
        return category
    before = {"title": existing.title, "login_tab": existing.login_tab, "position": existing.position}
    existing.title, existing.login_tab = title, login_tab
    if position is not None:
        existing.position = position
    session.flush()
    after = {"title": existing.title, "login_tab": existing.login_tab, "position": existing.position}
    audit("isp.category.update", "isp_category", existing.code, before, after)
    return existing


def remove(category: SubscriberCategory) -> None:
    """Delete a category no contract or tariff uses; raises :class:`CategoryError` otherwise. Audited."""
    use = use_of(category)
    if use.used:
        raise CategoryError(
            {
                "code": _(
                    "Used by %(contracts)s contract(s) and %(products)s tariff(s): the category cannot be removed.",
                    contracts=use.contracts,
                    products=use.products,
                )
            }
        )
    if len(categories()) <= 1:
        raise CategoryError({"code": _("The last category cannot be removed.")})
    session.delete(category)
    session.flush()
    audit("isp.category.delete", "isp_category", category.code, {"title": category.title}, None)
