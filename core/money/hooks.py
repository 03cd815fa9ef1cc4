"""The money pages in the menu and the balance card on the dashboard (core's own hook implementations)."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l

from core.money.current import current_account
from core.money.figures import balance_view
from core.plugins.markers import hookimpl
from core.plugins.types import MenuItem, Widget


@hookimpl(trylast=True)
def menu_items(tenant, user):
    if user is None:
        return []
    return [
        MenuItem(_l("Balance and payments"), "money.overview", order=10, permission="cabinet.use"),
        MenuItem(_l("Personal accounts"), "admin.accounts", order=8, area="admin", permission="accounts.view"),
    ]


@hookimpl(trylast=True)
def register_api():
    from core.receipts.api import blueprint as receipts

    return [receipts]


@hookimpl(trylast=True)
def dashboard_widgets(tenant, user):
    account = current_account()
    if account is None:
        return []
    today = tenant.today()
    html = render_template("money/widget.html", account=account, balance=balance_view(tenant, account, today))
    return [Widget(str(_l("Balance")), html, order=0)]
