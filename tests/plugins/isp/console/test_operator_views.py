"""What the ISP vertical adds to the operator's views: start-page counters and the ticket's contract panel."""

from __future__ import annotations

import re

import pytest

from core.api import open_ticket, session, tenant_scope
from core.identity.models import User
from core.testing.fixtures import tenant_path


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
