"""Categories of support conversations: core's defaults and the ones plugins register.

Plugins add categories with the ``register_ticket_categories`` hook; a category brought by a plugin
is offered only on the sites that enabled that plugin. Each category carries default response and
resolution deadlines, which a tenant may change (settings namespace ``support.deadlines``).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from core.i18n import N_
from core.plugins.collect import collect
from core.plugins.manager import CORE_PREFIX, PluginHost
from core.tenants.models import Tenant

EXTENSION_KEY = "abonent.ticket_categories"


@dataclass(frozen=True)
class TicketCategory:
    """A kind of support conversation with its default deadlines (hours from the moment it is opened).

    ``code`` is stored on each ticket (at most 60 characters, unique across core and plugins);
    ``title`` is an English msgid translated where it is shown (mark it with ``N_``/``lazy_gettext``).
    ``response_hours`` is the time to the provider's first reply, ``resolution_hours`` to a solution.
    """

    code: str
    title: str
    response_hours: int = 24
    resolution_hours: int = 72


CORE_CATEGORIES = (
    TicketCategory("billing", N_("Payments and balance"), response_hours=24, resolution_hours=72),
    TicketCategory("technical", N_("Technical problem"), response_hours=4, resolution_hours=48),
    TicketCategory("other", N_("Other question"), response_hours=48, resolution_hours=120),
    # From the public site: "tell us your address, we check whether a cable can be run" (core.support.connection).
    TicketCategory("connection", N_("Connection request"), response_hours=24, resolution_hours=120),
)


@dataclass(frozen=True)
class Registered:
    """A category and the plugin (or ``core.support``) that registered it."""

    category: TicketCategory
    source: str


def build_categories(host: PluginHost) -> dict[str, Registered]:
    """Collect every category from the ``register_ticket_categories`` hook; a code used twice is an error."""
    hook = host.hook.register_ticket_categories
    found = collect(host, hook, TicketCategory, key=lambda category: category.code, what="ticket category")
    for code, contributed in found.items():
        category, plugin_name = contributed.value, contributed.plugin
        if not code or len(code) > 60:
            raise ValueError(f"{plugin_name}: ticket category code {code!r} must have 1–60 characters")
        if category.response_hours < 1 or category.resolution_hours < 1:
            raise ValueError(f"{plugin_name}: ticket category {code!r} needs positive deadlines")
    return {code: Registered(contributed.value, contributed.plugin) for code, contributed in found.items()}


def _registered() -> dict[str, Registered]:
    found = current_app.extensions.get(EXTENSION_KEY)
    if found is None:
        found = build_categories(current_app.plugins)
        current_app.extensions[EXTENSION_KEY] = found
    return found


def all_categories() -> dict[str, TicketCategory]:
    """Every registered category by code (also those of plugins a tenant has not enabled)."""
    return {code: entry.category for code, entry in _registered().items()}


def categories_for(tenant: Tenant) -> dict[str, TicketCategory]:
    """The categories offered on ``tenant``'s site: core's and those of the plugins it enabled."""
    from core.plugins.state import enabled_plugins

    enabled = enabled_plugins(tenant)
    return {
        code: entry.category
        for code, entry in _registered().items()
        if entry.source.startswith(CORE_PREFIX) or entry.source in enabled
    }


def category_title(code: str) -> str:
    """The translated title of a category (its code when no longer registered)."""
    from flask_babel import gettext

    category = all_categories().get(code)
    return gettext(category.title) if category is not None else code
