"""What the ISP vertical adds to the operator's views: start-page counters and the ticket's contract panel."""

from __future__ import annotations

import re
from datetime import date

import pytest

from core.api import open_ticket, session, tenant_scope, utcnow
from core.identity.models import User
from core.testing.fixtures import tenant_path
from plugins.isp.models import ChargeRun


@pytest.fixture
def site(isp_tenant, catalog, make_user):
    tenant = isp_tenant("isp-console", locale="en")
    catalog(tenant)
    operator = make_user(tenant, "operator", roles=("operator",))
    return tenant, operator


def _counter(page: str, title: str) -> tuple[str, str]:
    """The number shown under ``title`` and the address it links to."""
    match = re.search(
        r'<a href="([^"]+)">\s*<span class="counter-value">([^<]*)</span>\s*<span class="counter-title">'
        + re.escape(title),
        page,
    )
    assert match, f"no counter {title!r} on the start page"
    return match.group(2), match.group(1).replace("&amp;", "&")


def test_start_page_counts_debtors_and_links_to_them(app, site, login, make_contract):
    tenant, operator = site
    make_contract(tenant, "1001", balance=-30000, blocked=True)
    make_contract(tenant, "1002", balance=50000)
    client = login(tenant, operator)
    page = client.get(tenant_path(tenant, "/admin/")).get_data(as_text=True)
    value, link = _counter(page, "Debtors")
    assert value == "1"
    listed = client.get(link).get_data(as_text=True)
    assert "1001" in listed and "1002" not in listed
    assert _counter(page, "Last charge run")[0] == "none yet"
    assert _counter(page, "Pending applications")[0] == "0"


def test_ticket_page_shows_the_subscribers_balance_contract_state_and_services(app, site, login, make_contract):
    tenant, operator = site
    made = make_contract(tenant, "2001", products=("inet100",), balance=-12000, blocked=True)
    with app.app_context(), tenant_scope(tenant.id):
        author = session.get(User, made.user_id)
        ticket = open_ticket(author, "technical", "No internet", "It stopped working")
        session.commit()
        ticket_id = ticket.id
    page = login(tenant, operator).get(tenant_path(tenant, f"/admin/support/{ticket_id}")).get_data(as_text=True)
    panel = page.split('data-testid="subscriber-panel"', 1)[1].split("Conversation", 1)[0]
    assert "−120" in panel or "-120" in panel  # the balance, in rubles
    assert "Blocked for debt" in panel
    assert "Home 100" in panel
    assert "No payments yet." in panel


def test_debtors_sort_by_debt_and_download_as_csv(app, site, login, make_contract):
    tenant, operator = site
    make_contract(tenant, "3001", balance=-10000)
    make_contract(tenant, "3002", balance=-50000)
    make_contract(tenant, "3003", balance=20000)
    client = login(tenant, operator)
    page = client.get(tenant_path(tenant, "/isp/admin/contracts?state=debtors&sort=debt")).get_data(as_text=True)
    assert page.index("3002") < page.index("3001") and "3003" not in page
    response = client.get(tenant_path(tenant, "/isp/admin/contracts?state=debtors&sort=debt&format=csv"))
    assert 'filename="debtors.csv"' in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[1].startswith("3002;") and "-500,00" in lines[1] and len(lines) == 3


def test_charge_runs_download_as_csv(app, site, login, make_user):
    tenant, _operator = site
    admin = make_user(tenant, "boss", roles=("tenant_admin",))
    client = login(tenant, admin)
    with app.app_context(), tenant_scope(tenant.id):
        session.add(ChargeRun(day=date(2030, 1, 7), charges=3, total=150050, blocked=1, finished_at=utcnow()))
        session.commit()
    start = client.get(tenant_path(tenant, "/admin/")).get_data(as_text=True)
    assert _counter(start, "Last charge run")[0] == "7 January"
    response = client.get(tenant_path(tenant, "/isp/admin/charges.csv"))
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Day;Charges;") and lines[1].startswith("2030-01-07;3;1500,50;1;")


def test_contracts_whose_money_runs_out_within_three_days_are_counted_and_listed(app, site, login, make_contract):
    tenant, operator = site
    make_contract(tenant, "4001", products=("inet100",), balance=2000)  # 500 ₽ a month: ~1 day left
    make_contract(tenant, "4002", products=("inet100",), balance=50000)  # a month left
    make_contract(tenant, "4003", products=("inet100",), balance=-1000)  # already a debtor
    client = login(tenant, operator)
    page = client.get(tenant_path(tenant, "/admin/")).get_data(as_text=True)
    value, link = _counter(page, "Money runs out within 3 days")
    assert value == "1"
    listed = client.get(link).get_data(as_text=True)
    assert "4001" in listed and "4002" not in listed and "4003" not in listed
