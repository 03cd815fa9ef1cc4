"""The staff start page: counters that link to the filtered lists they count; plugins add their own."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from core.api import open_ticket
from core.db import session, tenant_scope, utcnow
from core.identity.models import User
from core.support.models import Ticket
from core.testing.fixtures import tenant_path


@pytest.fixture
def desk(make_tenant, make_user):
    tenant = make_tenant("desk", login_identifier="contract", locale="en")
    subscriber = make_user(tenant, "100200", full_name="Ivanov")
    operator = make_user(tenant, "operator", roles=("operator",))
    return tenant, subscriber, operator


def counter(page: str, title: str) -> tuple[str, str]:
    """The number shown with ``title`` on the start page and the address it links to."""
    match = re.search(
        r'<a href="([^"]+)">\s*<span class="counter-value">([^<]*)</span>\s*<span class="counter-title">'
        + re.escape(title),
        page,
    )
    assert match, f"no counter {title!r}"
    return match.group(2), match.group(1).replace("&amp;", "&")


def _tickets(app, tenant, subscriber, overdue: int, fresh: int) -> None:
    with app.app_context(), tenant_scope(tenant.id):
        author = session.get(User, subscriber.id)
        for n in range(overdue + fresh):
            ticket = open_ticket(author, "technical", f"Problem {n}", "Nothing works")
            if n < overdue:
                ticket.response_due_at = utcnow() - timedelta(hours=1)
        session.commit()


def test_counters_show_overdue_and_new_tickets_and_open_the_filtered_queue(app, desk, login):
    tenant, subscriber, operator = desk
    _tickets(app, tenant, subscriber, overdue=2, fresh=1)
    client = login(tenant, operator)
    page = client.get(tenant_path(tenant, "/admin/")).get_data(as_text=True)
    overdue, overdue_link = counter(page, "Overdue tickets")
    new, new_link = counter(page, "New tickets")
    assert (overdue, new) == ("2", "3")
    assert counter(page, "Visits today")[0] == "0"
    queue = client.get(overdue_link).get_data(as_text=True)
    assert queue.count('class="ticket-row') == 2
    assert client.get(new_link).get_data(as_text=True).count('class="ticket-row') == 3


def test_counters_a_member_of_staff_may_not_open_are_not_shown(app, desk, make_user, login):
    tenant, _subscriber, _operator = desk
    technician = make_user(tenant, "tech", roles=("technician",))
    page = login(tenant, technician).get(tenant_path(tenant, "/admin/")).get_data(as_text=True)
    assert "Unidentified payments" not in page and "New tickets" not in page
    assert counter(page, "My visits today")[0] == "0"


def test_a_plugins_counter_appears_for_its_tenant_only(app, make_tenant, make_user, login, enable_plugin):
    from plugins.isp.models import Contract  # noqa: F401 - the isp plugin is installed in the test app

    with_isp = make_tenant("with-isp", login_identifier="contract", locale="en")
    enable_plugin(with_isp, "isp", {})
    without = make_tenant("without", login_identifier="contract", locale="en")
    seen = {}
    for tenant in (with_isp, without):
        operator = make_user(tenant, "operator", roles=("operator",))
        seen[tenant.slug] = login(tenant, operator).get(tenant_path(tenant, "/admin/")).get_data(as_text=True)
    assert "Debtors" in seen["with-isp"] and "Debtors" not in seen["without"]


def test_ticket_counts_stay_in_the_tenant(app, desk, make_tenant, make_user, login):
    tenant, subscriber, _operator = desk
    _tickets(app, tenant, subscriber, overdue=1, fresh=0)
    other = make_tenant("other", login_identifier="contract", locale="en")
    page = login(other, make_user(other, "op", roles=("operator",))).get(tenant_path(other, "/admin/"))
    assert counter(page.get_data(as_text=True), "New tickets")[0] == "0"
    with app.app_context(), tenant_scope(tenant.id):
        assert session.query(Ticket).count() == 1


def test_the_start_page_is_the_first_entry_of_the_staff_menu(app, desk, login):
    tenant, _subscriber, operator = desk
    home = login(tenant, operator).get(tenant_path(tenant, "/")).get_data(as_text=True)
    menu = home.split('class="nav-admin"', 1)[1].split("</ul>", 1)[0]
    assert menu.index("Today at work") < menu.index("Support queue")
