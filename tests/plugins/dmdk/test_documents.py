"""The organization's documents: uploaded with a type from the dictionary, number and dates, the file checked by its
content (a renamed text file is refused), listed per organization, locked — no change, no delete, the page says
why — once a submitted application relies on them (web and API), reminders before and at expiry to the right
people, other organizations' documents answering 404."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from core.api import StoredFile, session, tenant_scope
from core.notify.models import Notification
from plugins.dmdk.documents.models import Document
from plugins.dmdk.documents.reminders import send_expiry_reminders
from plugins.dmdk.employees.roles import ADMIN, APPLICATIONS, BATCHES, PARTICIPANT
from tests.plugins.dmdk.conftest import PDF
from tests.plugins.dmdk.orgs import NEVA

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _count(app, tenant, model, *where) -> int:
    with app.app_context(), tenant_scope(tenant.id):
        return len(list(session.scalars(select(model).where(*where))))


def test_a_document_is_uploaded_listed_and_its_file_served(app, participants):
    world = participants("dm-doc")
    _user, clerk = world.employee("клерк", (APPLICATIONS,))
    response = world.upload(clerk, number="77-1", filename="ustav.pdf")
    assert response.status_code == 302
    listing = clerk.get(world.url("/documents")).get_data(as_text=True)
    assert "Charter" in listing and "№ 77-1 of 15 January 2020" in listing and "Valid until 31 December 2099" in listing
    page = clerk.get(response.headers["Location"]).get_data(as_text=True)
    assert "Open the file" in page and "Change the details" in page
    with app.app_context(), tenant_scope(world.tenant.id):
        document = session.scalar(select(Document))
        stored = session.get(StoredFile, document.file_id)
        assert (stored.owner_type, stored.mime, stored.filename) == ("dmdk_document", "application/pdf", "ustav.pdf")
    served = clerk.get(world.path(f"/files/{document.file_id}"))
    assert served.status_code == 200 and served.data == PDF
    # a PNG scan is accepted too
    assert world.upload(clerk, number="77-2", content=PNG, filename="scan.png").status_code == 302


def test_a_renamed_text_file_is_refused_by_its_content(app, participants):
    world = participants("dm-doc-txt")
    user, clerk = world.employee("клерк", (PARTICIPANT,))
    response = world.upload(clerk, content=b"This is just text, not a PDF.\n", filename="ustav.pdf")
    assert response.status_code == 400
    assert "Only a PDF, JPEG or PNG file of at most 10 MB is accepted" in response.get_data(as_text=True)
    assert _count(app, world.tenant, Document) == 0
    assert _count(app, world.tenant, StoredFile, StoredFile.owner_type == "dmdk_document") == 0
    # the API says the same, under the file field
    answer = app.test_client().post(
        world.url("/documents").replace("/dmdk/", "/api/v1/dmdk/"),
        data={
            "type": "charter",
            "number": "1",
            "issued_on": "2020-01-15",
            "expires_on": "2099-12-31",
            "file": (io.BytesIO(b"plain text"), "ustav.pdf"),
        },
        headers={"Authorization": f"Bearer {world.token(user)}"},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 422
    assert "Only a PDF, JPEG or PNG" in answer.get_json()["errors"]["file"][0]
    assert _count(app, world.tenant, Document) == 0


def test_the_form_explains_each_mistake(participants):
    world = participants("dm-doc-form")
    _user, clerk = world.employee("клерк", (APPLICATIONS,))
    response = world.upload(clerk, type_code="", number="", expires_on="2019-01-01")
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose the type from the list." in text and "Enter the document&#39;s number." in text
    response = world.upload(clerk, expires_on="2019-01-01")
    assert "The expiry date cannot be before the document&#39;s date." in response.get_data(as_text=True)
    no_file = world.upload(clerk, filename="")
    assert no_file.status_code == 400 and "Choose the document&#39;s file" in no_file.get_data(as_text=True)


def test_a_free_document_changes_and_is_deleted(app, participants):
    world = participants("dm-doc-edit")
    _user, clerk = world.employee("клерк", (APPLICATIONS,))
    world.upload(clerk, number="5")
    document_id = world.document_id("5")
    url = world.url(f"/documents/{document_id}")
    changed = clerk.submit(
        url, {"type": "license", "number": "5-bis", "issued_on": "2021-02-01", "expires_on": "2031-02-01"}
    )
    assert changed.status_code == 302
    assert "License" in clerk.get(url).get_data(as_text=True)
    assert clerk.submit(url + "/delete", form_url=url).status_code == 302
    assert _count(app, world.tenant, Document) == 0
    assert _count(app, world.tenant, StoredFile, StoredFile.owner_type == "dmdk_document") == 0
    assert clerk.get(url).status_code == 404


def _submitted_application(world, client) -> int:
    """Upload the two required documents, attach them to a new application and submit it; its id."""
    world.upload(client, type_code="charter", number="U-1")
    world.upload(client, type_code="egrul_extract", number="E-1")
    started = client.submit(world.url("/applications/new"), form_url=world.url("/applications"))
    application_url = started.headers["Location"]
    for number in ("U-1", "E-1"):
        attached = client.submit(
            application_url + "/documents", {"document_id": str(world.document_id(number))}, form_url=application_url
        )
        assert attached.status_code == 302
    submitted = client.submit(application_url + "/submit", form_url=application_url)
    assert submitted.status_code == 302, submitted.get_data(as_text=True)[-2000:]
    return int(application_url.rsplit("/", 1)[1])


def test_a_document_of_a_submitted_application_cannot_change_or_go(app, participants):
    world = participants("dm-doc-lock")
    _user, clerk = world.employee("клерк", (APPLICATIONS,))
    application_id = _submitted_application(world, clerk)
    document_id = world.document_id("U-1")
    url = world.url(f"/documents/{document_id}")
    page = clerk.get(url).get_data(as_text=True)
    today = datetime.now(UTC)
    assert f"Attached to application № {application_id} submitted on" in page
    assert "it cannot be changed or deleted" in page and "Change the details" not in page
    assert f"{today.year}" in page
    changed = clerk.submit(
        url, {"type": "license", "number": "other", "issued_on": "2021-02-01", "expires_on": "2031-02-01"}
    )
    assert changed.status_code == 409 and f"application № {application_id}" in changed.get_data(as_text=True)
    deleted = clerk.submit(url + "/delete", form_url=world.url("/documents"))
    assert deleted.status_code == 409
    with app.app_context(), tenant_scope(world.tenant.id):
        document = session.get(Document, document_id)
        assert (document.type_code, document.number) == ("charter", "U-1")
    listing = clerk.get(world.url("/documents")).get_data(as_text=True)
    assert f"Attached to application № {application_id}" in listing


def test_the_api_refuses_to_change_or_delete_a_locked_document(app, participants):
    world = participants("dm-doc-lock-api")
    user, clerk = world.employee("клерк", (APPLICATIONS,))
    _submitted_application(world, clerk)
    world.upload(clerk, type_code="license", number="free")
    headers = {"Authorization": f"Bearer {world.token(user)}"}
    client = app.test_client()
    base = world.url("/documents").replace("/dmdk/", "/api/v1/dmdk/")
    locked_id, free_id = world.document_id("U-1"), world.document_id("free")
    shown = client.get(f"{base}/{locked_id}", headers=headers).get_json()
    assert shown["locked"] is True and "submitted on" in shown["locked_reason"]
    body = {"type": "license", "number": "x", "issued_on": "2021-01-01", "expires_on": "2031-01-01"}
    changed = client.post(f"{base}/{locked_id}", json=body, headers=headers)
    assert changed.status_code == 409 and changed.get_json()["reasons"][0]["code"] == "locked"
    deleted = client.delete(f"{base}/{locked_id}", headers=headers)
    assert deleted.status_code == 409 and deleted.get_json()["reasons"][0]["code"] == "locked"
    assert _count(app, world.tenant, Document, Document.id == locked_id) == 1
    # a document no submitted application holds changes and goes
    assert client.post(f"{base}/{free_id}", json=body, headers=headers).get_json()["number"] == "x"
    assert client.delete(f"{base}/{free_id}", headers=headers).status_code == 204
    listed = client.get(base, headers=headers).get_json()
    assert sorted(item["number"] for item in listed) == ["E-1", "U-1"]
    assert {item["type_title"] for item in listed} == {
        "Charter",
        "Extract from the register of legal entities (EGRUL)",
    }


def test_an_upload_through_the_api(app, participants):
    world = participants("dm-doc-api")
    user, _clerk = world.employee("клерк", (PARTICIPANT,))
    answer = app.test_client().post(
        world.url("/documents").replace("/dmdk/", "/api/v1/dmdk/"),
        data={
            "type": "power_of_attorney",
            "number": "D-9",
            "issued_on": "2025-01-15",
            "expires_on": "2026-01-15",
            "file": (io.BytesIO(PDF), "dov.pdf"),
        },
        headers={"Authorization": f"Bearer {world.token(user)}"},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["type"] == "power_of_attorney" and body["file"]["mime"] == "application/pdf"
    assert body["state"] == "expired" and body["locked"] is False
    # the mobile app downloads it with the same token, from the url the document gives
    url = body["file"]["url"]
    assert url.endswith(f"/documents/{body['id']}/file")
    download = app.test_client().get(urlsplit(url).path, headers={"Authorization": f"Bearer {world.token(user)}"})
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf"
    assert "dov.pdf" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_expiry_reminders_reach_the_applications_roles_once(app, participants):
    world = participants("dm-doc-remind")
    clerk_user, clerk = world.employee("клерк", (APPLICATIONS,))
    member, _member_client = world.employee("участник", (PARTICIPANT,))
    batches, _batches_client = world.employee("партии", (BATCHES,))
    today = date.today()
    world.upload(clerk, number="SOON", expires_on=(today + timedelta(days=20)).isoformat())
    world.upload(clerk, number="TODAY", expires_on=today.isoformat())
    world.upload(clerk, number="LATER", expires_on=(today + timedelta(days=200)).isoformat())
    now = datetime.now(UTC)
    with app.app_context(), tenant_scope(world.tenant.id):
        from core.api import Tenant

        tenant = session.get(Tenant, world.tenant.id)
        found = send_expiry_reminders(tenant, now)
        session.commit()
        again = send_expiry_reminders(tenant, now)
        session.commit()
        notices = list(session.scalars(select(Notification).where(Notification.kind == "dmdk_documents")))
    assert found == {"soon": 1, "expiry": 1} and again == found
    by_user: dict[int, list[str]] = {}
    for notice in notices:
        by_user.setdefault(notice.user_id, []).append(notice.title)
    assert set(by_user) == {clerk_user.id, member.id}  # not the batches clerk, not the administrator
    expected = {f"Charter expires on {(today + timedelta(days=20)).strftime('%-d %B %Y')}", "Charter expires today"}
    assert set(by_user[clerk_user.id]) == expected and len(by_user[clerk_user.id]) == 2
    assert batches.id not in by_user and world.head.id not in by_user


def test_roles_reach_documents_and_other_organizations_get_404(app, participants, make_user, login):
    world = participants("dm-doc-roles")
    _user, clerk = world.employee("клерк", (APPLICATIONS,))
    world.upload(clerk, number="OWN")
    document_id = world.document_id("OWN")
    own_page = world.url(f"/documents/{document_id}")
    for role, expected in ((PARTICIPANT, 200), (APPLICATIONS, 200), (BATCHES, 404), (ADMIN, 404)):
        _u, client = world.employee(f"роль-{role.split('_')[-1]}", (role,))
        assert client.get(world.url("/documents")).status_code == expected, role
        assert client.get(own_page).status_code == expected, role
    # the administrator of another organization of the same tenant sees none of it
    from tests.plugins.dmdk.orgs import bind_certificate, fill_wizard

    other = make_user(world.tenant, "neva@dm-doc-roles.example", roles=())
    bind_certificate(app, world.tenant, other, NEVA["inn"])
    other_client = login(world.tenant, other)
    fill_wizard(other_client, world.tenant, NEVA["ogrn"])
    with app.app_context(), tenant_scope(world.tenant.id):
        file_id = session.get(Document, document_id).file_id
    assert other_client.get(own_page).status_code == 404
    assert other_client.get(world.path(f"/files/{file_id}")).status_code == 404
    token = world.token(other)
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    base = world.url("/documents").replace("/dmdk/", "/api/v1/dmdk/")
    assert api.get(base, headers=headers).status_code == 404
    assert api.delete(f"{base}/{document_id}", headers=headers).status_code == 404
    assert api.get(f"{base}/{document_id}/file", headers=headers).status_code == 404
    assert _count(app, world.tenant, Document, Document.id == document_id) == 1


def test_russian_document_pages_speak_russian_and_fit_a_phone(participants):
    world = participants("dm-doc-ru", locale="ru")
    _user, clerk = world.employee("клерк", (APPLICATIONS,))
    world.upload(clerk, number="R-1")
    listing = clerk.get(world.url("/documents")).get_data(as_text=True)
    assert "Документы организации" in listing and "Устав" in listing and "Действует до" in listing
    assert "charter" not in listing and "<table" not in listing
    page = clerk.get(world.url(f"/documents/{world.document_id('R-1')}")).get_data(as_text=True)
    assert "Выписка из ЕГРЮЛ" in page and "<table" not in page  # the type choices
    refused = world.upload(clerk, content=b"text", filename="x.pdf").get_data(as_text=True)
    assert "Принимается только файл PDF, JPEG или PNG" in refused
