"""The operators' queue: filters, pagination, and a constant number of SQL statements (no N+1)."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from core.db import session, tenant_scope, utcnow
from core.db.keyset import Cursor
from core.identity.models import User
from core.support.models import IN_PROGRESS, NEW, WAITING, Ticket, TicketMessage
from core.testing.statements import counted_statements
from core.testing.web import link_by_rel
from tests.support.conftest import url


def _add_tickets(app, site, count: int, *, start: int = 0) -> None:
    """``count`` tickets by alternating subscribers, half assigned, each with two messages."""
    now = utcnow()
    with app.app_context(), tenant_scope(site.tenant.id):
        authors = [site.subscriber.id, site.neighbour.id]
        tickets = [
            Ticket(
                author_id=authors[i % 2],
                category=("billing", "technical", "other")[i % 3],
                subject=f"Question {start + i}",
                status=(NEW, IN_PROGRESS, WAITING)[i % 3],
                assignee_id=site.operator.id if i % 2 else None,
                created_at=now - timedelta(hours=i),
                updated_at=now,
                response_due_at=now + timedelta(hours=4),
                resolution_due_at=now + timedelta(hours=48),
            )
            for i in range(count)
        ]
        session.add_all(tickets)
        session.flush()
        session.add_all(
            TicketMessage(ticket_id=t.id, author_id=author, body="text", created_at=now - timedelta(minutes=m))
            for t in tickets
            for author, m in ((t.author_id, 30), (site.operator.id, 5))
        )
        session.commit()


def _queue_statements(app, client, site, query: str) -> tuple[int, str]:
    with counted_statements(app) as statements:
        response = client.get(url(site, f"/admin/support/?{query}"))
    assert response.status_code == 200
    return len(statements), response.get_data(as_text=True)


def test_queue_of_a_thousand_tickets_runs_as_many_statements_as_of_ten(app, site, login):
    operator = login(site.tenant, site.operator)
    query = "status=&per_page=1000"
    _add_tickets(app, site, 10)
    _queue_statements(app, operator, site, query)  # warm up (plugin state, caches)
    small, page = _queue_statements(app, operator, site, query)
    assert page.count('class="ticket-row') == 10

    _add_tickets(app, site, 990, start=10)
    large, page = _queue_statements(app, operator, site, query)
    assert page.count('class="ticket-row') == 1000
    assert "Question 999" in page and "Olga Operator" in page and "Petrov" in page
    assert large == small, f"{small} statements for 10 tickets, {large} for 1,000"
    # Issue #11: the config version, the session with the operator's roles, the count and the page of tickets,
    # the staff to assign to, the layout's banner with the unread notices (PostgreSQL: one more, the tenant scope).
    assert large <= 6 + (1 if app.extensions["abonent.db"].dialect == "postgresql" else 0)


def _numbers(page: str) -> list[int]:
    return [int(number) for number in re.findall(r'<td data-label="Number">#(\d+)</td>', page)]


def test_queue_pages_follow_one_another_without_gaps(app, site, login):
    """Page 2 starts where page 1 ended (newest first), the total counts every ticket, filters stay on."""
    _add_tickets(app, site, 120)
    operator = login(site.tenant, site.operator)
    seen: list[int] = []
    page = operator.get(url(site, "/admin/support/?status=&per_page=50")).get_data(as_text=True)
    while True:
        assert "Requests found: 120." in page
        seen += _numbers(page)
        following = link_by_rel(page, "next")
        if following is None:
            break
        assert "status=" in following and "per_page=50" in following
        page = operator.get(following).get_data(as_text=True)
    assert len(seen) == 120 and seen == sorted(seen, reverse=True)
    assert "101–120 of 120" in page


def test_a_mangled_cursor_shows_the_first_page(app, site, login):
    _add_tickets(app, site, 30)
    operator = login(site.tenant, site.operator)
    for cursor in ("x", "eyJrIjpbXX0", "%00", "W1sidCIsIjIwMjYiXV0", "a" * 500):
        response = operator.get(url(site, f"/admin/support/?status=&per_page=25&after={cursor}&before={cursor}"))
        assert response.status_code in (200, 400)
        if response.status_code == 200:
            assert response.get_data(as_text=True).count('class="ticket-row') == 25


def test_past_the_end_the_pager_leads_back_to_the_start(app, site, login):
    """A link kept from before the tickets it pointed at were merged away: an empty page and a way back."""
    _add_tickets(app, site, 3)
    operator = login(site.tenant, site.operator)
    beyond = Cursor((1,), 60).encode()  # after ticket #1, the 61st: nothing is older
    page = operator.get(url(site, f"/admin/support/?status=&after={beyond}")).get_data(as_text=True)
    assert page.count('class="ticket-row') == 0 and "No requests found." in page
    back = re.search(r'<a href="([^"]+)">« First page</a>', page)
    assert back is not None and "after=" not in back.group(1) and "status=" in back.group(1)
    assert operator.get(html.unescape(back.group(1))).get_data(as_text=True).count('class="ticket-row') == 3


def test_filters_and_pagination(app, site, login):
    _add_tickets(app, site, 30)
    operator = login(site.tenant, site.operator)

    def rows(query: str) -> int:
        return operator.get(url(site, f"/admin/support/?{query}")).get_data(as_text=True).count('class="ticket-row')

    assert rows("status=") == 30
    assert rows("status=new") == 10
    assert rows("status=open&category=billing") == 10
    assert rows("assignee=none") == 15
    assert rows(f"assignee={site.operator.id}") == 15
    assert rows("assignee=me") == 15
    assert rows("status=resolved") == 0
    assert rows("overdue=1") == 0
    first = operator.get(url(site, "/admin/support/?per_page=25&category=")).get_data(as_text=True)
    assert first.count('class="ticket-row') == 25 and "Requests found: 30." in first and "1–25 of 30" in first
    assert link_by_rel(first, "prev") is None
    second = operator.get(link_by_rel(first, "next")).get_data(as_text=True)
    assert second.count('class="ticket-row') == 5 and "26–30 of 30" in second
    assert link_by_rel(second, "next") is None
    back = operator.get(link_by_rel(second, "prev")).get_data(as_text=True)
    assert _numbers(back) == _numbers(first) and "1–25 of 30" in back
    assert rows("per_page=7") == 30  # an unknown page size falls back to 50

    with app.app_context(), tenant_scope(site.tenant.id):
        assert session.get(User, site.operator.id) is not None
