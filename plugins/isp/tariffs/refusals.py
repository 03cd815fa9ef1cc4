"""Refusal reasons shared by tariff changes and add-ons (legal entity, debt block, voluntary block, catalogue)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.api import Refusal
from plugins.isp.models import Product


def legal_refusal() -> Refusal:
    """A legal entity changes tariffs and services by a written application, not by itself."""
    return Refusal(
        "legal_entity",
        _l(
            "Legal entities change tariffs and services by a written application: "
            "send it from the tariffs page and confirm it with a signed letter."
        ),
    )


def blocked_refusal() -> Refusal:
    """The services are blocked for debt."""
    return Refusal(
        "blocked",
        _l("Services are blocked for debt. Top up the account or take a promised payment first."),
    )


def frozen_refusal() -> Refusal:
    """The services are voluntarily blocked."""
    return Refusal("frozen", _l("Services are voluntarily blocked. End the voluntary block first."))


def not_offered_refusal(product: Product) -> Refusal:
    """``product`` is not offered to the contract's category or holder kind."""
    return Refusal(
        "not_offered",
        _l("«%(title)s» is not offered to subscribers like you. Choose another one.", title=product.title),
    )


def archived_refusal(product: Product) -> Refusal:
    """``product`` is archived: no longer offered to new subscribers."""
    return Refusal(
        "archived", _l("«%(title)s» is no longer offered to new subscribers. Choose another one.", title=product.title)
    )
