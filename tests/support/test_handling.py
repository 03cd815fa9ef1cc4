"""Operators' handling: assign, status flow and its history, merge, deadlines and overdue; plugin categories."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

import pytest
from sqlalchemy import select

import core.support.service as support_service
from core.api import PluginInfo, TicketCategory, hookimpl, open_ticket
from core.db import session, tenant_scope, utcnow
from core.identity.models import User
from core.support.models import Ticket, TicketMessage, TicketStatusChange
from tests.html_forms import form_data
from tests.support.conftest import open_via_web, ticket_id_from, url


def _ticket(app, site, ticket_id) -> Ticket:
    with app.app_context(), tenant_scope(site.tenant.id):
        ticket = session.get(Ticket, ticket_id)
        session.expunge(ticket)
        return ticket


def _post(client, site, ticket_id, action, data):
    return client.submit(
        url(site, f"/admin/support/{ticket_id}/{action}"), data, form_url=url(site, f"/admin/support/{ticket_id}")
    )


def test_assign_to_self_and_to_another_member_of_staff(app, site, login):
    ticket_id = ticket_id_from(open_via_web(login(site.tenant, site.subscriber), site))
    operator = login(site.tenant, site.operator)
    assert _post(operator, site, ticket_id, "assign", {"assignee_id": "me"}).status_code == 302
    assert _ticket(app, site, ticket_id).assignee_id == site.operator.id
    assert _post(operator, site, ticket_id, "assign", {"assignee_id": str(site.admin.id)}).status_code == 302
    assert _ticket(app, site, ticket_id).assignee_id == site.admin.id
    queue = operator.get(url(site, "/admin/support/")).get_data(as_text=True)
    assert "Anna Admin" in queue
    # A subscriber is not staff: refused with a message, nothing changed.
    refused = _post(operator, site, ticket_id, "assign", {"assignee_id": str(site.neighbour.id)})
    assert refused.status_code == 400 and "Choose a member of staff" in refused.get_data(as_text=True)
    assert _ticket(app, site, ticket_id).assignee_id == site.admin.id
    assert _post(operator, site, ticket_id, "assign", {"assignee_id": ""}).status_code == 302
    assert _ticket(app, site, ticket_id).assignee_id is None


def test_status_flow_and_history(app, site, login):
    subscriber = login(site.tenant, site.subscriber)
    ticket_id = ticket_id_from(open_via_web(subscriber, site))
    operator = login(site.tenant, site.operator)
    # Not every jump is allowed: a new ticket cannot be closed by an operator before it is resolved.
    refused = _post(operator, site, ticket_id, "status", {"status": "closed"})
    assert refused.status_code == 400 and "cannot be set now" in refused.get_data(as_text=True)
    for step in ("in_progress", "waiting", "resolved", "closed"):
        assert _post(operator, site, ticket_id, "status", {"status": step}).status_code == 302, step
    ticket = _ticket(app, site, ticket_id)
    assert ticket.status == "closed" and ticket.resolved_at and ticket.closed_at
    assert _post(operator, site, ticket_id, "status", {"status": "in_progress"}).status_code == 400

    with app.app_context(), tenant_scope(site.tenant.id):
        changes = session.scalars(
            select(TicketStatusChange).where(TicketStatusChange.ticket_id == ticket_id).order_by(TicketStatusChange.id)
        ).all()
    assert [(c.from_status, c.to_status) for c in changes] == [
        ("", "new"),
        ("new", "in_progress"),
        ("in_progress", "waiting"),
        ("waiting", "resolved"),
        ("resolved", "closed"),
    ]
    assert [c.actor_id for c in changes] == [site.subscriber.id] + [site.operator.id] * 4
    assert all(a.at <= b.at for a, b in pairwise(changes))
    page = operator.get(url(site, f"/admin/support/{ticket_id}")).get_data(as_text=True)
    assert "Status history" in page and page.count("<time datetime=") >= 6

    # A closed conversation takes no more replies; the subscriber is told so.
    ticket_page = url(site, f"/support/{ticket_id}")
    assert "Close the request" not in subscriber.get(ticket_page).get_data(as_text=True)
    token = subscriber.csrf_token(ticket_page)
    late = subscriber.post(url(site, f"/support/{ticket_id}/reply"), data={"body": "again", "csrf_token": token})
    assert late.status_code == 400 and "This request is closed" in late.get_data(as_text=True)


def test_declined_and_closed_by_the_subscriber(app, site, login):
    subscriber = login(site.tenant, site.subscriber)
    first = ticket_id_from(open_via_web(subscriber, site, subject="Spam"))
    second = ticket_id_from(open_via_web(subscriber, site, subject="Solved myself"))
    operator = login(site.tenant, site.operator)
    assert _post(operator, site, first, "status", {"status": "declined"}).status_code == 302
    assert _ticket(app, site, first).status == "declined"
    page = url(site, f"/support/{second}")
    assert subscriber.submit(url(site, f"/support/{second}/close"), {}, form_url=page).status_code == 302
    assert _ticket(app, site, second).status == "closed"


def test_merge_a_duplicate(app, site, login, api_token):
    subscriber = login(site.tenant, site.subscriber)
    target = ticket_id_from(open_via_web(subscriber, site, subject="No internet", body="First message"))
    duplicate = ticket_id_from(open_via_web(subscriber, site, subject="Still no internet!", body="Second message"))
    other = ticket_id_from(
        open_via_web(login(site.tenant, site.neighbour), site, subject="Petrov's", body="Petrov's text")
    )
    operator = login(site.tenant, site.operator)

    for number, reason in (
        (duplicate, "into itself"),
        (other, "same subscriber"),
        (99999, "no request with this number"),
    ):
        refused = _post(operator, site, duplicate, "merge", {"target": str(number)})
        assert refused.status_code == 400 and reason in refused.get_data(as_text=True), reason
    assert _ticket(app, site, duplicate).merged_into_id is None

    merged = _post(operator, site, duplicate, "merge", {"target": f"#{target}"})
    assert merged.status_code == 302 and merged.headers["Location"].endswith(f"/admin/support/{target}")
    dup = _ticket(app, site, duplicate)
    assert dup.merged_into_id == target and dup.status == "closed" and dup.closed_at is not None
    # Merging it again, or into a merged ticket, is refused.
    assert _post(operator, site, duplicate, "merge", {"target": str(target)}).status_code == 400
    assert _post(operator, site, target, "merge", {"target": str(duplicate)}).status_code == 400

    # The target shows both conversations, to staff and to the subscriber (without the merge note).
    staff_page = operator.get(url(site, f"/admin/support/{target}")).get_data(as_text=True)
    assert (
        "First message" in staff_page and "Second message" in staff_page and f"from request #{duplicate}" in staff_page
    )
    mine = subscriber.get(url(site, f"/support/{target}")).get_data(as_text=True)
    assert "First message" in mine and "Second message" in mine and "was merged into this one" not in mine
    assert f"Go to request #{target}" in subscriber.get(url(site, f"/support/{duplicate}")).get_data(as_text=True)
    headers = {"Authorization": f"Bearer {api_token(site.tenant, site.subscriber)}"}
    detail = app.test_client().get(url(site, f"/api/v1/tickets/{target}"), headers=headers).get_json()
    assert [m["body"] for m in detail["messages"]] == ["First message", "Second message"]
    assert [m["ticket_id"] for m in detail["messages"]] == [target, duplicate]
    # The duplicate takes no more replies from its author: they are sent to the target.
    token = subscriber.csrf_token(url(site, f"/support/{duplicate}"))
    late = subscriber.post(url(site, f"/support/{duplicate}/reply"), data={"body": "hello?", "csrf_token": token})
    assert late.status_code == 400 and f"merged into #{target}" in late.get_data(as_text=True)


def test_overdue_tickets_are_marked_and_filtered(app, site, login, monkeypatch):
    subscriber = login(site.tenant, site.subscriber)
    late = ticket_id_from(open_via_web(subscriber, site, subject="Old and forgotten"))
    answered = ticket_id_from(open_via_web(subscriber, site, subject="Answered in time"))
    open_via_web(subscriber, site, subject="Just now")
    operator = login(site.tenant, site.operator)
    _post(operator, site, answered, "reply", {"kind": "reply", "body": "Looking into it."})
    with app.app_context(), tenant_scope(site.tenant.id):
        past = utcnow() - timedelta(hours=5)
        for ticket_id in (late, answered):
            ticket = session.get(Ticket, ticket_id)
            ticket.created_at = past
            ticket.response_due_at = past + timedelta(hours=4)  # "technical": 4 hours to the first reply
        session.commit()

    page = operator.get(url(site, "/admin/support/")).get_data(as_text=True)
    rows = {subject: row for row in page.split('<tr class="ticket-row')[1:] for subject in [_subject(row)]}
    assert 'overdue"' in rows["Old and forgotten"].split(">", 1)[0]
    assert "⚠ Overdue" in rows["Old and forgotten"] and "no reply yet" in rows["Old and forgotten"]
    assert "Overdue" not in rows["Answered in time"] and "Overdue" not in rows["Just now"]

    only = operator.get(url(site, "/admin/support/?overdue=1")).get_data(as_text=True)
    assert only.count('class="ticket-row') == 1 and "Old and forgotten" in only

    # The resolution deadline counts too, while it is the provider's turn (not while waiting).
    with app.app_context(), tenant_scope(site.tenant.id):
        ticket = session.get(Ticket, answered)
        ticket.resolution_due_at = utcnow() - timedelta(minutes=1)
        session.commit()
    only = operator.get(url(site, "/admin/support/?overdue=1")).get_data(as_text=True)
    assert only.count('class="ticket-row') == 2 and "not resolved in time" in only
    _post(operator, site, answered, "status", {"status": "waiting"})
    assert operator.get(url(site, "/admin/support/?overdue=1")).get_data(as_text=True).count('class="ticket-row') == 1
    assert "Overdue: no reply yet" in operator.get(url(site, f"/admin/support/{late}")).get_data(as_text=True)


def _subject(row: str) -> str:
    import re

    return re.search(r'/admin/support/\d+">([^<]+)</a>', row).group(1)


def test_deadlines_per_category_are_set_per_tenant(app, site, login, make_tenant, make_user):
    admin = login(site.tenant, site.admin)
    page_url = url(site, "/admin/support/deadlines")
    page = admin.get(page_url).get_data(as_text=True)
    assert 'name="technical.response_hours" id="technical-response_hours" value="4"' in page
    assert login(site.tenant, site.operator).get(page_url).status_code == 403

    bad = {
        "billing.response_hours": "0",
        "billing.resolution_hours": "72",
        "technical.response_hours": "10",
        "technical.resolution_hours": "5",
        "other.response_hours": "x",
        "other.resolution_hours": "120",
        "connection.response_hours": "24",
        "connection.resolution_hours": "120",
    }
    refused = admin.submit(page_url, bad)
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert text.count("Enter a whole number of hours") == 2 and "must not be shorter than the time to reply" in text

    good = {**bad, "billing.response_hours": "2", "technical.resolution_hours": "24", "other.response_hours": "48"}
    assert admin.submit(page_url, good).status_code == 302

    ticket_id = ticket_id_from(open_via_web(login(site.tenant, site.subscriber), site))  # "technical"
    ticket = _ticket(app, site, ticket_id)
    assert ticket.response_due_at - ticket.created_at == timedelta(hours=10)
    assert ticket.resolution_due_at - ticket.created_at == timedelta(hours=24)

    # Another tenant keeps the registered defaults.
    other = make_tenant("other", login_identifier="contract")
    user = make_user(other, "1", full_name="X")
    with app.app_context(), tenant_scope(other.id):
        opened = open_ticket(session.get(User, user.id), "technical", "S", "B", source="plugin:test")
        session.commit()
        assert opened.response_due_at - opened.created_at == timedelta(hours=4)


class TariffPlugin:
    """A test plugin adding a category and opening a legal entity's application from code."""

    plugin_info = PluginInfo(name="tariffs", version="1.0", title="Tariffs")

    @staticmethod
    @hookimpl
    def register_ticket_categories():
        return [
            TicketCategory("tariff_change", "Change of tariff (legal entities)", response_hours=8, resolution_hours=40)
        ]


@pytest.fixture
def app_plugins():
    return [TariffPlugin]


def test_plugins_register_categories_and_open_tickets(app, site, login, enable_plugin):
    subscriber = login(site.tenant, site.subscriber)
    assert "tariff_change" not in subscriber.get(url(site, "/support/new")).get_data(as_text=True)
    enable_plugin(site.tenant, "tariffs")
    assert "Change of tariff (legal entities)" in subscriber.get(url(site, "/support/new")).get_data(as_text=True)

    with app.test_request_context("/"), tenant_scope(site.tenant.id):
        author = session.get(User, site.subscriber.id)
        with pytest.raises(support_service.TicketError) as refused:
            open_ticket(author, "no-such", "", "", source="plugin:tariffs")
        assert set(refused.value.errors) == {"category", "subject", "body"}
        ticket = open_ticket(
            author,
            "tariff_change",
            "Application: tariff Business-100",
            "The company asks to move account 100200 to Business-100 from June.",
            source="plugin:tariffs",
        )
        session.commit()
        ticket_id = ticket.id
        assert ticket.status == "new" and ticket.source == "plugin:tariffs"
        assert ticket.resolution_due_at - ticket.created_at == timedelta(hours=40)
        assert session.scalar(select(TicketMessage.body).where(TicketMessage.ticket_id == ticket_id)).startswith(
            "The company"
        )
    mine = subscriber.get(url(site, f"/support/{ticket_id}")).get_data(as_text=True)
    assert "Application: tariff Business-100" in mine and "Change of tariff (legal entities)" in mine
    queue = (
        login(site.tenant, site.operator)
        .get(url(site, "/admin/support/?category=tariff_change"))
        .get_data(as_text=True)
    )
    assert queue.count('class="ticket-row') == 1


def test_take_it_myself_button_assigns_the_ticket_to_the_operator(app, site, login):
    ticket_id = ticket_id_from(open_via_web(login(site.tenant, site.subscriber), site))
    operator = login(site.tenant, site.operator)
    page = operator.get(url(site, f"/admin/support/{ticket_id}")).get_data(as_text=True)
    fields = form_data(page, f"/admin/support/{ticket_id}/assign", "Take it myself")
    posted = operator.post(url(site, f"/admin/support/{ticket_id}/assign"), data=fields)
    assert posted.status_code == 302
    assert _ticket(app, site, ticket_id).assignee_id == site.operator.id
