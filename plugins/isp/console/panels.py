"""What the ISP vertical adds to the operator's views: start-page counters and the ticket's contract panel."""

from __future__ import annotations

from flask import render_template
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.api import Counter, Widget, count_open_tickets, format_money, session
from plugins.isp.common.calendar import tenant_today
from plugins.isp.contracts.admin import contracts_query
from plugins.isp.contracts.views import overview
from plugins.isp.models import ChargeRun, Contract
from plugins.isp.tariffs.applications import APPLICATION_CATEGORY


def _count(tenant, state: str) -> int:
    """How many contracts the operator's list shows in ``state`` (the same query, counted)."""
    query = contracts_query("", state, tenant_today(tenant))
    return session.scalar(query.with_only_columns(func.count(Contract.id)).order_by(None)) or 0


def _last_run() -> Counter:
    run = session.scalars(select(ChargeRun).order_by(ChargeRun.id.desc()).limit(1)).first()
    if run is None:
        return Counter(_l("Last charge run"), _("none yet"), "isp.admin_charges", permission="isp.charges.view")
    if run.finished_at is None:
        hint = _("still running")
    else:
        hint = _(
            "%(count)s charge(s) for %(total)s; %(blocked)s blocked",
            count=run.charges,
            total=format_money(run.total),
            blocked=run.blocked,
        )
    return Counter(
        _l("Last charge run"),
        format_date(run.day, "d MMMM"),
        "isp.admin_charges",
        permission="isp.charges.view",
        order=35,
        hint=hint,
        alert=run.finished_at is None,
    )


def staff_counters(tenant) -> list[Counter]:
    """Debtors, the last charge run and pending written applications, each linking to its list."""
    applications = count_open_tickets(APPLICATION_CATEGORY)
    return [
        Counter(
            _l("Debtors"),
            _count(tenant, "debtors"),
            "isp.admin_contracts",
            {"state": "debtors"},
            permission="isp.contracts.view",
            order=30,
        ),
        Counter(
            _l("Money runs out within 3 days"),
            _count(tenant, "runs_out"),
            "isp.admin_contracts",
            {"state": "runs_out"},
            permission="isp.contracts.view",
            order=31,
        ),
        _last_run(),
        Counter(
            _l("Pending applications"),
            applications,
            "support_admin.queue",
            {"category": APPLICATION_CATEGORY, "status": "open"},
            permission="support.queue",
            order=12,
        ),
    ]


def ticket_panel(tenant, account) -> list[Widget]:
    """The contract behind the ticket's account: its number, state and services with their status."""
    if account is None:
        return []
    contract = session.scalars(select(Contract).where(Contract.personal_account_id == account.id)).first()
    if contract is None:
        return []
    view = overview(contract, tenant_today(tenant))
    html = render_template("isp/console/ticket_panel.html", view=view)
    return [Widget(_("Contract %(number)s", number=contract.number), html, order=20)]
