"""Attachments are judged by content and size; a refused one leaves nothing behind, not even the ticket."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from core.db import session, tenant_scope
from core.files.models import StoredFile
from core.files.storage import MAX_BYTES
from core.support.models import Ticket, TicketMessage
from tests.support.conftest import EXE, PDF, PNG, open_via_web, stored_files, ticket_id_from, url


def _counts(app, site) -> tuple[int, int, int]:
    with app.app_context(), tenant_scope(site.tenant.id):
        return (
            session.scalar(select(func.count(Ticket.id))),
            session.scalar(select(func.count(TicketMessage.id))),
            session.scalar(select(func.count(StoredFile.id))),
        )


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (PNG + b"\x00" * MAX_BYTES, "huge.png", "“huge.png” is larger than 10 MB."),
        (EXE, "photo.png", "“photo.png” is not a picture (PNG, JPEG, GIF, WebP) or a PDF document."),
        (b"<html><script>alert(1)</script></html>", "scan.pdf", "“scan.pdf” is not a picture"),
        (b"", "empty.jpg", "“empty.jpg” is empty."),
    ],
    ids=["too-big", "exe-renamed-png", "html-renamed-pdf", "empty"],
)
def test_refused_attachment_stores_nothing(app, site, login, content, name, message):
    client = login(site.tenant, site.subscriber)
    response = open_via_web(client, site, files=[(PNG, "ok.png"), (content, name)])
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert 'aria-invalid="true"' in page and "The request is not sent yet" in page
    # What was typed stays in the form; nothing was stored: no ticket, no message, no file row, no bytes.
    assert "No internet" in page and "The link is down since morning." in page
    assert _counts(app, site) == (0, 0, 0)
    assert stored_files(app) == []


def test_refused_attachment_on_reply_keeps_the_conversation_unchanged(app, site, login):
    client = login(site.tenant, site.subscriber)
    ticket_id = ticket_id_from(open_via_web(client, site, files=[(PDF, "bill.pdf")]))
    before = _counts(app, site)
    files_before = stored_files(app)
    page = url(site, f"/support/{ticket_id}")
    response = client.submit(
        url(site, f"/support/{ticket_id}/reply"),
        {"body": "Here is the photo", "attachments": [(io.BytesIO(EXE), "photo.jpg")]},
        form_url=page,
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "“photo.jpg” is not a picture" in text and "Here is the photo" in text
    assert _counts(app, site) == before == (1, 1, 1)
    assert stored_files(app) == files_before


def test_accepted_attachments_are_stored_with_their_checked_type(app, site, login):
    client = login(site.tenant, site.subscriber)
    response = open_via_web(client, site, files=[(PNG, "../../etc/passwd.png"), (PDF, "act.pdf")])
    assert response.status_code == 302
    with app.app_context(), tenant_scope(site.tenant.id):
        rows = session.scalars(select(StoredFile).order_by(StoredFile.id)).all()
        assert [(r.filename, r.mime, r.owner_type) for r in rows] == [
            ("passwd.png", "image/png", "ticket_message"),
            ("act.pdf", "application/pdf", "ticket_message"),
        ]
    assert len(stored_files(app)) == 2


def test_too_many_files_and_missing_fields_are_all_reported(app, site, login):
    client = login(site.tenant, site.subscriber)
    data = {
        "category": "",
        "subject": " ",
        "body": "",
        "attachments": [(io.BytesIO(PNG), f"{i}.png") for i in range(6)],
    }
    response = client.submit(url(site, "/support/new"), data, content_type="multipart/form-data")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for text in (
        "Choose a topic from the list.",
        "Write what the request is about.",
        "Write the message.",
        "Attach at most 5 files.",
    ):
        assert text in page
    assert _counts(app, site) == (0, 0, 0)


def test_a_request_beyond_the_servers_limit_is_explained_on_the_form(app, site, login):
    client = login(site.tenant, site.subscriber)
    huge = PNG + b"\x00" * app.config["MAX_CONTENT_LENGTH"]
    response = open_via_web(client, site, files=[(huge, "scan.png")])
    assert response.status_code == 302 and response.headers["Location"].endswith("/support/new")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The files are too large together" in page
    assert _counts(app, site) == (0, 0, 0)
    assert stored_files(app) == []


def test_the_request_may_name_one_of_the_subscribers_accounts_only(app, site, login):
    from core.accounts.service import grant_access, open_account
    from core.identity.models import User

    with app.app_context(), tenant_scope(site.tenant.id):
        mine = open_account("100200", holder_name="Ivanov", address="Lenina 1")
        theirs = open_account("100300", holder_name="Petrov", address="Mira 2")
        grant_access(session.get(User, site.subscriber.id), mine)
        grant_access(session.get(User, site.neighbour.id), theirs)
        session.commit()
        mine_id, theirs_id = mine.id, theirs.id
    client = login(site.tenant, site.subscriber)
    form = client.get(url(site, "/support/new")).get_data(as_text=True)
    assert "100200" in form and "100300" not in form

    data = {"category": "billing", "subject": "Payment", "body": "Where is it?", "account_id": str(theirs_id)}
    data["attachments"] = [(io.BytesIO(PNG), "receipt.png")]
    refused = client.submit(url(site, "/support/new"), data, content_type="multipart/form-data")
    assert refused.status_code == 400 and "Choose one of your accounts." in refused.get_data(as_text=True)
    assert _counts(app, site) == (0, 0, 0) and stored_files(app) == []

    data = {**data, "account_id": str(mine_id), "attachments": [(io.BytesIO(PNG), "receipt.png")]}
    opened = client.submit(url(site, "/support/new"), data, content_type="multipart/form-data")
    ticket_id = ticket_id_from(opened)
    with app.app_context(), tenant_scope(site.tenant.id):
        assert session.get(Ticket, ticket_id).personal_account_id == mine_id
    operator = login(site.tenant, site.operator)
    assert "Lenina 1" in operator.get(url(site, f"/admin/support/{ticket_id}")).get_data(as_text=True)
