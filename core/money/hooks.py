"""How money plugs into core: its pages and API, the menu entry, the balance card, the ``money`` filters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, g, render_template
from flask_babel import lazy_gettext as _l

from core.money.current import current_account
from core.money.figures import balance_view
from core.money.format import format_money
from core.plugins.markers import hookimpl
from core.plugins.types import MenuItem, Widget


@hookimpl
def register_blueprints() -> list[Blueprint]:
    from core.money.views import blueprint

    return [blueprint]


@hookimpl
def register_api() -> list[Any]:
    from core.money.api import blueprint

    return [blueprint]


@hookimpl
def template_filters() -> dict[str, Callable[..., Any]]:
    """``{{ kopecks|money }}`` and ``{{ code|service_name }}`` for every template."""
    return {"money": format_money, "service_name": _service_name}


def _service_name(code: str | None) -> str:
    from core.money.services import service_title

    return service_title(g.get("tenant"), code)


@hookimpl(trylast=True)
def menu_items(tenant, user):
    if user is None:
        return []
    return [
        MenuItem(_l("Balance and payments"), "money.overview", order=10, permission="cabinet.use"),
    ]


@hookimpl(trylast=True)
def dashboard_widgets(tenant, user):
    account = current_account()
    if account is None:
        return []
    today = tenant.today()
    html = render_template("money/widget.html", account=account, balance=balance_view(tenant, account, today))
    return [Widget(str(_l("Balance")), html, order=0)]
