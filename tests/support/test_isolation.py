"""Who sees a ticket and its files: its author and staff; another subscriber or tenant gets 404."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from core.db import session, tenant_scope
from core.files.models import StoredFile
from core.testing.fixtures import tenant_path
from tests.support.conftest import PDF, PNG, open_via_web, ticket_id_from, url
from tests.tenancy.world import populate


def _files_of(app, tenant) -> list[int]:
    with app.app_context(), tenant_scope(tenant.id):
        return list(session.scalars(select(StoredFile.id).where(StoredFile.owner_type == "ticket_message")))


def test_another_subscribers_ticket_and_files_answer_404(app, site, login, api_token):
    author = login(site.tenant, site.subscriber)
    ticket_id = ticket_id_from(open_via_web(author, site, files=[(PNG, "meter.png"), (PDF, "contract.pdf")]))
    file_ids = _files_of(app, site.tenant)
    assert len(file_ids) == 2
    for file_id in file_ids:
        response = author.get(url(site, f"/files/{file_id}"))
        assert response.status_code == 200
        assert response.data in (PNG, PDF)
        assert response.headers["X-Content-Type-Options"] == "nosniff"

    neighbour = login(site.tenant, site.neighbour)
    assert neighbour.get(url(site, f"/support/{ticket_id}")).status_code == 404
    token = neighbour.csrf_token(url(site, "/support/new"))
    for action, data in (("reply", {"body": "hi"}), ("close", {}), ("rate", {"rating": "1"})):
        response = neighbour.post(url(site, f"/support/{ticket_id}/{action}"), data={**data, "csrf_token": token})
        assert response.status_code == 404, action
    for file_id in file_ids:
        assert neighbour.get(url(site, f"/files/{file_id}")).status_code == 404
    assert "No internet" not in neighbour.get(url(site, "/support/")).get_data(as_text=True)

    headers = {"Authorization": f"Bearer {api_token(site.tenant, site.neighbour)}"}
    client = app.test_client()
    assert client.get(url(site, f"/api/v1/tickets/{ticket_id}"), headers=headers).status_code == 404
    # 404 comes before any body validation: an empty body does not reveal the ticket exists.
    for action in ("messages", "close", "rating"):
        response = client.post(url(site, f"/api/v1/tickets/{ticket_id}/{action}"), headers=headers)
        assert response.status_code == 404 and response.get_json()["code"] == 404, action
    assert client.get(url(site, "/api/v1/tickets"), headers=headers).get_json() == []
    for file_id in file_ids:
        response = client.get(url(site, f"/api/v1/tickets/{ticket_id}/attachments/{file_id}"), headers=headers)
        assert response.status_code == 404

    # Staff see the files; a subscriber never sees an internal note's files, even their own ticket's.
    operator = login(site.tenant, site.operator)
    for file_id in file_ids:
        assert operator.get(url(site, f"/files/{file_id}")).status_code == 200
    page = url(site, f"/admin/support/{ticket_id}")
    operator.submit(
        url(site, f"/admin/support/{ticket_id}/reply"),
        {"kind": "note", "body": "Scan of the cable plan", "attachments": [(io.BytesIO(PDF), "plan.pdf")]},
        form_url=page,
        content_type="multipart/form-data",
    )
    [note_file] = [f for f in _files_of(app, site.tenant) if f not in file_ids]
    assert operator.get(url(site, f"/files/{note_file}")).status_code == 200
    assert author.get(url(site, f"/files/{note_file}")).status_code == 404
    assert "plan.pdf" not in author.get(url(site, f"/support/{ticket_id}")).get_data(as_text=True)
    assert "plan.pdf" in operator.get(page).get_data(as_text=True)
    author_api = {"Authorization": f"Bearer {api_token(site.tenant, site.subscriber)}"}
    own = url(site, f"/api/v1/tickets/{ticket_id}/attachments/{file_ids[0]}")
    assert client.get(own, headers=author_api).status_code == 200
    note = url(site, f"/api/v1/tickets/{ticket_id}/attachments/{note_file}")
    assert client.get(note, headers=author_api).status_code == 404
    assert "plan.pdf" not in client.get(url(site, f"/api/v1/tickets/{ticket_id}"), headers=author_api).get_data(
        as_text=True
    )


def test_subscribers_cannot_open_the_queue(app, site, login):
    subscriber = login(site.tenant, site.subscriber)
    ticket_id = ticket_id_from(open_via_web(subscriber, site))
    assert subscriber.get(url(site, "/admin/support/")).status_code == 403
    assert subscriber.get(url(site, f"/admin/support/{ticket_id}")).status_code == 403
    assert login(site.tenant, site.operator).get(url(site, "/support/new")).status_code == 403


@pytest.fixture
def sites(app, make_tenant, make_user, enable_plugin):
    return (
        populate(app, make_tenant, make_user, enable_plugin, "alpha"),
        populate(app, make_tenant, make_user, enable_plugin, "beta"),
    )


def _support_rules(app):
    for rule in app.url_map.iter_rules():
        if {"ticket_id", "file_id"} & set(rule.arguments):
            yield rule


def _build(rule, ids) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), rule.rule)


def test_another_tenants_tickets_and_files_answer_404_everywhere(app, sites, login, api_token):
    """The cross-tenant probe (tests/tenancy) covers these too; this one runs the support routes alone."""
    alpha, beta = sites
    client = login(alpha.tenant, alpha.everyone)
    token = client.csrf_token(tenant_path(alpha.tenant, "/profile"))
    headers = {"Authorization": f"Bearer {api_token(alpha.tenant, alpha.everyone)}"}
    checked = []
    for rule in _support_rules(app):
        foreign = tenant_path(alpha.tenant, _build(rule, beta.ids))
        own = tenant_path(alpha.tenant, _build(rule, alpha.ids))
        api = rule.rule.startswith("/api/")
        for method in sorted(rule.methods & {"GET", "POST"}):
            if api:
                response = client.open(foreign, method=method, headers=headers)
                assert response.is_json and response.get_json()["code"] == 404
            else:
                response = client.open(foreign, method=method, data={"csrf_token": token} if method == "POST" else None)
            assert response.status_code == 404, f"{method} {foreign} answered {response.status_code}"
            checked.append(f"{method} {rule.rule}")
        if "GET" in rule.methods:
            found = client.get(own, headers=headers if api else None)
            assert found.status_code == 200, own
    assert len(checked) >= 14, checked
    # The subscriber of alpha never reaches beta's ticket either, even naming it on beta's own site.
    subscriber = login(alpha.tenant, alpha.users["subscriber"])
    assert subscriber.get(tenant_path(beta.tenant, f"/support/{beta.ids['ticket_id']}")).status_code == 302
