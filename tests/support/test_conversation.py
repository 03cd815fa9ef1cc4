"""A whole conversation: new → operator reply (e-mail over real SMTP) → subscriber reply → resolved → rated.

Internal notes never reach the subscriber: not on their pages, not in the API, not by e-mail.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from core.db import session, tenant_scope
from core.jobs.registry import run_job
from core.notify.models import Notification
from core.support.models import Ticket, TicketStatusChange
from tests.support.conftest import PNG, open_via_web, ticket_id_from, url

SECRET_NOTE = "Internal: the switch in block 4 is broken again, do not tell the customer"


@pytest.fixture
def app_config(app_config, smtp_server):
    return {**app_config, "SMTP_URL": smtp_server.url}


def _deliver(app):
    return run_job(app, "core.mail.deliver")


def _ticket(app, site, ticket_id) -> Ticket:
    with app.app_context(), tenant_scope(site.tenant.id):
        ticket = session.get(Ticket, ticket_id)
        session.expunge(ticket)
        return ticket


def _plain(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_conversation_from_new_to_rated(app, site, login, smtp_server, api_token):
    subscriber = login(site.tenant, site.subscriber)
    operator = login(site.tenant, site.operator)

    # The subscriber opens a conversation with a photo.
    response = open_via_web(subscriber, site, files=[(PNG, "router.png")])
    assert response.status_code == 302
    ticket_id = ticket_id_from(response)
    assert _ticket(app, site, ticket_id).status == "new"

    # Staff holding support.queue with an e-mail hear about it (operator and administrator).
    assert _deliver(app)["sent"] == 2
    [to_olga] = smtp_server.sink.to("olga@isp.example")
    assert f"#{ticket_id}" in to_olga["Subject"] and "No internet" in to_olga["Subject"]
    assert "The link is down since morning." in _plain(to_olga)
    assert f"/admin/support/{ticket_id}" in _plain(to_olga)
    assert smtp_server.sink.to("anna@isp.example")
    assert not smtp_server.sink.to("ivanov@example.com")

    # The operator sees it in the queue, writes an internal note and answers.
    queue = operator.get(url(site, "/admin/support/")).get_data(as_text=True)
    assert "No internet" in queue and "Ivanov" in queue
    page = url(site, f"/admin/support/{ticket_id}")
    assert (
        operator.submit(
            url(site, f"/admin/support/{ticket_id}/reply"), {"kind": "note", "body": SECRET_NOTE}, form_url=page
        ).status_code
        == 302
    )
    reply = {"kind": "reply", "body": "Please restart the router and tell us the lights.", "status": "waiting"}
    assert operator.submit(url(site, f"/admin/support/{ticket_id}/reply"), reply, form_url=page).status_code == 302
    ticket = _ticket(app, site, ticket_id)
    assert ticket.status == "waiting" and ticket.first_response_at is not None

    # The reply reaches the subscriber by e-mail (real SMTP), once; the note never does.
    assert _deliver(app)["sent"] == 1
    [to_subscriber] = smtp_server.sink.to("ivanov@example.com")
    assert f"#{ticket_id}" in to_subscriber["Subject"]
    body = _plain(to_subscriber)
    assert "Please restart the router" in body and f"/support/{ticket_id}" in body
    assert all(SECRET_NOTE not in _plain(m) for m in smtp_server.messages)
    assert _deliver(app)["sent"] == 0  # nothing queued twice

    # The subscriber's page shows the answer and the photo, never the note; the operator's shows both.
    mine = subscriber.get(url(site, f"/support/{ticket_id}")).get_data(as_text=True)
    assert "Please restart the router" in mine and "router.png" in mine
    assert SECRET_NOTE not in mine and "Internal note" not in mine
    assert SECRET_NOTE in operator.get(page).get_data(as_text=True)
    assert SECRET_NOTE not in subscriber.get(url(site, "/support/")).get_data(as_text=True)

    # The subscriber replies: a waiting conversation goes back in progress.
    ticket_page = url(site, f"/support/{ticket_id}")
    answer = {"body": "Restarted, the red light is on."}
    assert subscriber.submit(url(site, f"/support/{ticket_id}/reply"), answer, form_url=ticket_page).status_code == 302
    assert _ticket(app, site, ticket_id).status == "in_progress"

    # The operator resolves it; then the subscriber rates the answer, once.
    assert (
        operator.submit(
            url(site, f"/admin/support/{ticket_id}/status"), {"status": "resolved"}, form_url=page
        ).status_code
        == 302
    )
    assert _ticket(app, site, ticket_id).status == "resolved"
    rated = subscriber.submit(
        url(site, f"/support/{ticket_id}/rate"), {"rating": "5", "comment": "Fast!"}, form_url=ticket_page
    )
    assert rated.status_code == 302
    ticket = _ticket(app, site, ticket_id)
    assert (ticket.rating, ticket.rating_comment) == (5, "Fast!")
    token = subscriber.csrf_token(ticket_page)
    again = subscriber.post(url(site, f"/support/{ticket_id}/rate"), data={"rating": "1", "csrf_token": token})
    assert again.status_code == 400 and "already rated" in again.get_data(as_text=True)
    assert _ticket(app, site, ticket_id).rating == 5

    # Every step is in the history, timestamped.
    with app.app_context(), tenant_scope(site.tenant.id):
        steps = session.execute(
            select(TicketStatusChange.from_status, TicketStatusChange.to_status, TicketStatusChange.at)
            .where(TicketStatusChange.ticket_id == ticket_id)
            .order_by(TicketStatusChange.id)
        ).all()
        notices = session.scalars(select(Notification).where(Notification.user_id == site.subscriber.id)).all()
    assert [(a, b) for a, b, _at in steps] == [
        ("", "new"),
        ("new", "waiting"),
        ("waiting", "in_progress"),
        ("in_progress", "resolved"),
    ]
    assert all(at is not None for _a, _b, at in steps)
    assert [n.kind for n in notices] == ["ticket_reply"]
    assert SECRET_NOTE not in operator.get(url(site, "/admin/support/")).get_data(as_text=True)

    # The API shows the same conversation without the note.
    headers = {"Authorization": f"Bearer {api_token(site.tenant, site.subscriber)}"}
    client = app.test_client()
    detail = client.get(url(site, f"/api/v1/tickets/{ticket_id}"), headers=headers).get_json()
    assert detail["status"] == "resolved" and detail["rating"] == 5
    bodies = [m["body"] for m in detail["messages"]]
    assert bodies == [
        "The link is down since morning.",
        "Please restart the router and tell us the lights.",
        "Restarted, the red light is on.",
    ]
    assert [m["from_support"] for m in detail["messages"]] == [False, True, False]
    [photo] = detail["messages"][0]["attachments"]
    assert photo["filename"] == "router.png" and photo["mime"] == "image/png"
    download = client.get(urlsplit(photo["url"]).path, headers=headers)
    assert download.status_code == 200 and download.data == PNG
    listing = client.get(url(site, "/api/v1/tickets"), headers=headers)
    assert SECRET_NOTE not in listing.get_data(as_text=True)
    assert SECRET_NOTE not in client.get(url(site, f"/api/v1/tickets/{ticket_id}"), headers=headers).get_data(
        as_text=True
    )


def test_reply_mail_follows_the_subscribers_preferences(app, site, login, smtp_server):
    from core.notify.service import set_preference

    with app.app_context(), tenant_scope(site.tenant.id):
        from core.identity.models import User

        set_preference(session.get(User, site.subscriber.id), "ticket_reply", in_app=True, email=False)
        session.commit()
    subscriber = login(site.tenant, site.subscriber)
    ticket_id = ticket_id_from(open_via_web(subscriber, site))
    operator = login(site.tenant, site.operator)
    page = url(site, f"/admin/support/{ticket_id}")
    operator.submit(url(site, f"/admin/support/{ticket_id}/reply"), {"kind": "reply", "body": "Done."}, form_url=page)
    _deliver(app)
    assert smtp_server.sink.to("ivanov@example.com") == []
    with app.app_context(), tenant_scope(site.tenant.id):
        assert session.scalar(select(Notification).where(Notification.user_id == site.subscriber.id)) is not None


def test_api_conversation(app, site, api_token, login):
    headers = {"Authorization": f"Bearer {api_token(site.tenant, site.subscriber)}"}
    client = app.test_client()
    categories = client.get(url(site, "/api/v1/tickets/categories"), headers=headers).get_json()
    assert {c["code"] for c in categories} == {"billing", "technical", "other", "connection"}

    refused = client.post(
        url(site, "/api/v1/tickets"), json={"category": "nope", "subject": "", "body": "x"}, headers=headers
    )
    assert refused.status_code == 422
    problem = refused.get_json()
    assert problem["code"] == 422 and "subject" in problem["errors"]
    refused = client.post(
        url(site, "/api/v1/tickets"), json={"category": "nope", "subject": "S", "body": "x"}, headers=headers
    )
    assert refused.status_code == 422 and list(refused.get_json()["errors"]) == ["category"]

    created = client.post(
        url(site, "/api/v1/tickets"),
        json={"category": "billing", "subject": "Double charge", "body": "Charged twice in May."},
        headers=headers,
    )
    assert created.status_code == 201, created.get_json()
    ticket_id = created.get_json()["id"]
    assert created.get_json()["status"] == "new"
    assert [t["id"] for t in client.get(url(site, "/api/v1/tickets"), headers=headers).get_json()] == [ticket_id]

    rate_early = client.post(url(site, f"/api/v1/tickets/{ticket_id}/rating"), json={"rating": 4}, headers=headers)
    assert rate_early.status_code == 422 and "rating" in rate_early.get_json()["errors"]
    bad_mark = client.post(url(site, f"/api/v1/tickets/{ticket_id}/rating"), json={"rating": 9}, headers=headers)
    assert bad_mark.status_code == 422 and "rating" in bad_mark.get_json()["errors"]

    replied = client.post(
        url(site, f"/api/v1/tickets/{ticket_id}/messages"), json={"body": "Any news?"}, headers=headers
    )
    assert replied.status_code == 201
    assert [m["body"] for m in replied.get_json()["messages"]] == ["Charged twice in May.", "Any news?"]
    empty = client.post(url(site, f"/api/v1/tickets/{ticket_id}/messages"), json={"body": ""}, headers=headers)
    assert empty.status_code == 422 and "body" in empty.get_json()["errors"]

    closed = client.post(url(site, f"/api/v1/tickets/{ticket_id}/close"), headers=headers)
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    rated = client.post(
        url(site, f"/api/v1/tickets/{ticket_id}/rating"), json={"rating": 4, "comment": "ok"}, headers=headers
    )
    assert rated.status_code == 200 and rated.get_json()["rating"] == 4
    late = client.post(url(site, f"/api/v1/tickets/{ticket_id}/messages"), json={"body": "One more"}, headers=headers)
    assert late.status_code == 422

    # An operator has no subscriber API for tickets.
    staff = {"Authorization": f"Bearer {api_token(site.tenant, site.operator)}"}
    assert client.get(url(site, "/api/v1/tickets"), headers=staff).status_code == 403
