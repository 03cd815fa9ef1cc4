"""The application for special registration: a draft with attached documents, submitted only with a valid document
of every required type (a configurable list, the refusal naming what is missing), registered with a card number and
date or rejected with a reason by the registry's operator; the organization's applications roles are notified at
every step, the timeline shows the steps in order, and roles and organizations see exactly their own."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.api import save_settings, session, tenant_scope
from core.notify.models import Notification
from plugins.dmdk.applications.models import Application, ApplicationStatusChange
from plugins.dmdk.documents.models import Document
from plugins.dmdk.employees.roles import ADMIN, APPLICATIONS, BATCHES, PARTICIPANT
from tests.plugins.dmdk.orgs import NEVA, bind_certificate, fill_wizard


def _start(world, client) -> str:
    """Start a draft through the page; the application page's address."""
    started = client.submit(world.url("/applications/new"), form_url=world.url("/applications"))
    assert started.status_code == 302, started.get_data(as_text=True)[-2000:]
    return started.headers["Location"]


def _attach(world, client, application_url: str, number: str):
    return client.submit(
        application_url + "/documents", {"document_id": str(world.document_id(number))}, form_url=application_url
    )


def _ready(world, client) -> str:
    """A draft with a charter and an EGRUL extract attached; its address."""
    world.upload(client, type_code="charter", number="U-1")
    world.upload(client, type_code="egrul_extract", number="E-1")
    url = _start(world, client)
    for number in ("U-1", "E-1"):
        assert _attach(world, client, url, number).status_code == 302
    return url


def _id(url: str) -> int:
    return int(url.rsplit("/", 1)[1])


def _notices(app, world, user_id: int) -> list[str]:
    with app.app_context(), tenant_scope(world.tenant.id):
        return list(
            session.scalars(
                select(Notification.title)
                .where(Notification.user_id == user_id, Notification.kind == "dmdk_applications")
                .order_by(Notification.id)
            )
        )


def test_submitting_needs_each_required_document_type(app, participants):
    world = participants("dm-app-req")
    _user, clerk = world.employee("клерк", (APPLICATIONS,))
    url = _start(world, clerk)
    refused = clerk.submit(url + "/submit", form_url=url)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Attach a valid document of each of these types before submitting" in text
    assert "«Charter», «Extract from the register of legal entities (EGRUL)»" in text
    world.upload(clerk, type_code="charter", number="U-1")
    assert _attach(world, clerk, url, "U-1").status_code == 302
    refused = clerk.submit(url + "/submit", form_url=url).get_data(as_text=True)
    assert "«Extract from the register of legal entities (EGRUL)»." in refused and "«Charter»" not in refused
    # an expired extract does not count
    world.upload(
        clerk, type_code="egrul_extract", number="OLD", expires_on=(date.today() - timedelta(days=1)).isoformat()
    )
    assert _attach(world, clerk, url, "OLD").status_code == 302
    assert clerk.submit(url + "/submit", form_url=url).status_code == 409
    with app.app_context(), tenant_scope(world.tenant.id):
        assert session.get(Application, _id(url)).status == "draft"
    assert _notices(app, world, world.head.id) == []


def test_the_required_types_are_the_tenants_setting(app, participants):
    world = participants("dm-app-set")
    _staff, staff_client = world.operator(roles=("tenant_admin",))
    settings_url = world.path("/dmdk/admin/applications/settings")
    saved = staff_client.submit(settings_url, {"required_for_legal": ["license"], "required_for_entrepreneur": []})
    assert saved.status_code == 302
    _user, clerk = world.employee("клерк", (APPLICATIONS,))
    url = _start(world, clerk)
    refused = clerk.submit(url + "/submit", form_url=url).get_data(as_text=True)
    assert "«License»." in refused and "Charter" not in refused.split("Attach a valid document")[1][:200]
    world.upload(clerk, type_code="license", number="L-1")
    _attach(world, clerk, url, "L-1")
    assert clerk.submit(url + "/submit", form_url=url).status_code == 302
    # an operator without the settings permission cannot change them
    _operator, operator_client = world.operator()
    assert operator_client.get(settings_url).status_code == 403


def test_registration_notifies_the_applications_roles_and_builds_the_timeline(app, participants):
    world = participants("dm-app-reg")
    clerk_user, clerk = world.employee("клерк", (APPLICATIONS,))
    member, _member_client = world.employee("участник", (PARTICIPANT,))
    batches, _batches_client = world.employee("партии", (BATCHES,))
    url = _ready(world, clerk)
    application_id = _id(url)
    assert clerk.submit(url + "/submit", form_url=url).status_code == 302
    submitted = f"Application № {application_id} is submitted"
    for user in (clerk_user, member):
        assert _notices(app, world, user.id) == [submitted]
    for user in (batches, world.head):
        assert _notices(app, world, user.id) == []
    # the operator's queue, then the decision
    _operator, operator = world.operator()
    queue = operator.get(world.path("/dmdk/admin/applications")).get_data(as_text=True)
    assert f'data-application="{application_id}"' in queue and "АО «Северное сияние»" in queue
    admin_url = world.path(f"/dmdk/admin/applications/{application_id}")
    page = operator.get(admin_url).get_data(as_text=True)
    assert "Charter" in page and "Open the file" in page and "7730802306" in page
    with app.app_context(), tenant_scope(world.tenant.id):
        file_id = session.scalar(select(Document.file_id).where(Document.number == "U-1"))
    assert operator.get(world.path(f"/files/{file_id}")).status_code == 200  # the operator reads the attachments
    today = date.today().isoformat()
    registered = operator.submit(
        admin_url + "/register", {"card_number": "СУ-77-0001", "registered_on": today}, form_url=admin_url
    )
    assert registered.status_code == 302
    for user in (clerk_user, member):
        assert _notices(app, world, user.id) == [submitted, "АО «Северное сияние» is on special registration"]
    assert _notices(app, world, batches.id) == []
    shown = clerk.get(url).get_data(as_text=True)
    assert "Registered" in shown and "Registry card № СУ-77-0001 of" in shown
    timeline = shown.split('data-testid="timeline"')[1]
    assert [status for status in ("Draft", "Submitted", "Registered") if status in timeline] == [
        "Draft",
        "Submitted",
        "Registered",
    ]
    assert timeline.index("Draft") < timeline.index("Submitted") < timeline.index("Registered")
    with app.app_context(), tenant_scope(world.tenant.id):
        steps = list(
            session.scalars(
                select(ApplicationStatusChange.status)
                .where(ApplicationStatusChange.application_id == application_id)
                .order_by(ApplicationStatusChange.id)
            )
        )
    assert steps == ["draft", "submitted", "registered"]
    # a registered organization starts no second application; the decided one is out of the queue
    again = clerk.submit(world.url("/applications/new"), form_url=world.url("/applications"))
    assert "already on special registration (card № СУ-77-0001)" in clerk.get(again.headers["Location"]).get_data(
        as_text=True
    )
    queue = operator.get(world.path("/dmdk/admin/applications")).get_data(as_text=True)
    assert f'data-application="{application_id}"' not in queue


def test_rejection_shows_the_reason_to_the_organization(app, participants):
    world = participants("dm-app-rej")
    clerk_user, clerk = world.employee("клерк", (APPLICATIONS,))
    url = _ready(world, clerk)
    application_id = _id(url)
    clerk.submit(url + "/submit", form_url=url)
    _operator, operator = world.operator()
    admin_url = world.path(f"/dmdk/admin/applications/{application_id}")
    empty = operator.submit(admin_url + "/reject", {"reason": ""}, form_url=admin_url)
    assert empty.status_code == 400 and "Say why the application is rejected" in empty.get_data(as_text=True)
    reason = "Выписка из ЕГРЮЛ старше 30 дней."
    assert operator.submit(admin_url + "/reject", {"reason": reason}, form_url=admin_url).status_code == 302
    page = clerk.get(url).get_data(as_text=True)
    assert f"Reason for rejection: {reason}" in page and "Rejected" in page
    timeline = page.split('data-testid="timeline"')[1]
    assert timeline.index("Draft") < timeline.index("Submitted") < timeline.index("Rejected") < timeline.index(reason)
    assert _notices(app, world, clerk_user.id) == [
        f"Application № {application_id} is submitted",
        f"Application № {application_id} is rejected",
    ]
    # a decided application takes no second decision; a new draft may be started
    again = operator.submit(
        admin_url + "/register", {"card_number": "1", "registered_on": "2026-01-01"}, form_url=admin_url
    )
    assert again.status_code == 409 and "is not awaiting a decision" in again.get_data(as_text=True)
    assert _start(world, clerk) != url


def test_the_operator_sees_no_drafts_and_refuses_a_bad_card(app, participants):
    world = participants("dm-app-op")
    _user, clerk = world.employee("клерк", (APPLICATIONS,))
    draft_url = _ready(world, clerk)
    _operator, operator = world.operator()
    assert operator.get(world.path(f"/dmdk/admin/applications/{_id(draft_url)}")).status_code == 404
    clerk.submit(draft_url + "/submit", form_url=draft_url)
    admin_url = world.path(f"/dmdk/admin/applications/{_id(draft_url)}")
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    future = operator.submit(
        admin_url + "/register", {"card_number": "C-1", "registered_on": tomorrow}, form_url=admin_url
    )
    assert future.status_code == 409 and "cannot be later than today" in future.get_data(as_text=True)
    subscriber = world.make_user(world.tenant, "sub@dm-app-op.example")
    subscriber_client = world.login(world.tenant, subscriber)
    assert subscriber_client.get(world.path("/dmdk/admin/applications")).status_code == 403
    assert subscriber_client.get(admin_url).status_code == 403


def test_documents_of_a_submitted_application_stay_put(app, participants):
    world = participants("dm-app-fixed")
    _user, clerk = world.employee("клерк", (APPLICATIONS,))
    url = _ready(world, clerk)
    world.upload(clerk, type_code="license", number="L-1")
    clerk.submit(url + "/submit", form_url=url)
    attach = _attach(world, clerk, url, "L-1")
    assert attach.status_code == 409 and "is no longer a draft" in attach.get_data(as_text=True)
    detach = clerk.submit(f"{url}/documents/{world.document_id('U-1')}/detach", form_url=url)
    assert detach.status_code == 409
    page = clerk.get(url).get_data(as_text=True)
    assert "Submit the application" not in page and "Detach" not in page


def test_one_application_at_a_time(participants):
    world = participants("dm-app-one")
    _user, clerk = world.employee("клерк", (APPLICATIONS,))
    first = _start(world, clerk)
    again = clerk.submit(world.url("/applications/new"), form_url=world.url("/applications"))
    listing = clerk.get(again.headers["Location"]).get_data(as_text=True)
    assert f"Application № {_id(first)} is already in progress" in listing


@pytest.mark.parametrize(
    ("role", "reaches"),
    [
        (ADMIN, {"exchange-profiles"}),
        (PARTICIPANT, {"applications", "documents"}),
        (APPLICATIONS, {"applications", "documents"}),
        (BATCHES, set()),
    ],
)
def test_each_role_reaches_its_registry_pages(participants, role, reaches):
    world = participants(f"dm-app-m-{role.split('_')[-1]}")
    _user, client = world.employee("сотрудник", (role,))
    for page in ("applications", "documents", "exchange-profiles", "documents/new", "exchange-profiles/new"):
        expected = 200 if page.split("/")[0] in reaches else 404
        assert client.get(world.url(f"/{page}")).status_code == expected, (role, page)
    profile = client.get(world.url()).get_data(as_text=True)
    assert ("Organization documents" in profile) == ("documents" in reaches)
    assert ("Information exchange profiles" in profile) == ("exchange-profiles" in reaches)


def test_another_organization_gets_404_on_the_site_and_in_the_api(app, participants, make_user, login):
    world = participants("dm-app-cross")
    clerk_user, clerk = world.employee("клерк", (APPLICATIONS,))
    url = _ready(world, clerk)
    application_id = _id(url)
    other = make_user(world.tenant, "neva@dm-app-cross.example", roles=())
    bind_certificate(app, world.tenant, other, NEVA["inn"])
    other_client = login(world.tenant, other)
    fill_wizard(other_client, world.tenant, NEVA["ogrn"])
    # Петров of НЕВА is his organization's administrator; give himself the applications role there
    with app.app_context(), tenant_scope(world.tenant.id):
        from plugins.dmdk.models import OrganizationProfile

        neva_id = session.scalar(
            select(OrganizationProfile.organization_id).where(OrganizationProfile.inn == NEVA["inn"])
        )
    from core.testing.fixtures import tenant_path

    own = tenant_path(world.tenant, f"/dmdk/organizations/{neva_id}/employees/{other.id}")
    assert other_client.submit(own, {"roles": [ADMIN, APPLICATIONS]}).status_code == 302
    assert other_client.get(tenant_path(world.tenant, f"/dmdk/organizations/{neva_id}/applications")).status_code == 200
    assert other_client.get(url).status_code == 404
    foreign_in_own = tenant_path(world.tenant, f"/dmdk/organizations/{neva_id}/applications/{application_id}")
    assert other_client.get(foreign_in_own).status_code == 404
    assert other_client.submit(url + "/submit", form_url=world.path("/dmdk/organization")).status_code == 404
    headers = {"Authorization": f"Bearer {world.token(other)}"}
    client = app.test_client()
    api_url = url.replace("/dmdk/", "/api/v1/dmdk/")
    assert client.get(api_url, headers=headers).status_code == 404
    assert client.post(api_url + "/submit", headers=headers).status_code == 404
    assert client.post(api_url + "/documents", json={"document_id": 1}, headers=headers).status_code == 404
    # nor can НЕВА attach its own document to the first organization's draft, nor the first one НЕВА's
    neva_doc = other_client.submit(
        tenant_path(world.tenant, f"/dmdk/organizations/{neva_id}/documents/new"),
        {
            "type": "charter",
            "number": "NEVA-1",
            "issued_on": "2020-01-01",
            "expires_on": "2099-01-01",
            "file": (__import__("io").BytesIO(b"%PDF-1.4\n%%EOF\n"), "n.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert neva_doc.status_code == 302
    assert _attach(world, clerk, url, "NEVA-1").status_code == 404
    clerk_headers = {"Authorization": f"Bearer {world.token(clerk_user)}"}
    foreign_doc = client.post(
        api_url + "/documents", json={"document_id": world.document_id("NEVA-1")}, headers=clerk_headers
    )
    assert foreign_doc.status_code == 404
    with app.app_context(), tenant_scope(world.tenant.id):
        assert session.get(Application, application_id).status == "draft"


def test_the_api_walks_an_application(app, participants):
    world = participants("dm-app-api")
    clerk_user, clerk = world.employee("клерк", (APPLICATIONS,))
    world.upload(clerk, type_code="charter", number="U-1")
    world.upload(clerk, type_code="egrul_extract", number="E-1")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {world.token(clerk_user)}"}
    base = world.url("/applications").replace("/dmdk/", "/api/v1/dmdk/")
    mine = client.get(world.path("/api/v1/dmdk/organization"), headers=headers).get_json()
    assert mine["organization_id"] == world.organization_id and mine["roles"][0]["code"] == APPLICATIONS
    created = client.post(base, headers=headers)
    assert created.status_code == 201
    application = created.get_json()
    assert application["status"] == "draft" and [t["code"] for t in application["missing_document_types"]] == [
        "charter",
        "egrul_extract",
    ]
    one = f"{base}/{application['id']}"
    assert client.post(base, headers=headers).get_json()["reasons"][0]["code"] == "already_open"
    refused = client.post(one + "/submit", headers=headers)
    assert refused.status_code == 409 and refused.get_json()["reasons"][0]["code"] == "missing_documents"
    for number in ("U-1", "E-1"):
        attached = client.post(one + "/documents", json={"document_id": world.document_id(number)}, headers=headers)
        assert attached.status_code == 200
    detached = client.post(f"{one}/documents/{world.document_id('E-1')}/detach", headers=headers).get_json()
    assert [d["number"] for d in detached["documents"]] == ["U-1"]
    client.post(one + "/documents", json={"document_id": world.document_id("E-1")}, headers=headers)
    submitted = client.post(one + "/submit", headers=headers)
    assert submitted.status_code == 200
    body = submitted.get_json()
    assert body["status"] == "submitted" and [step["status"] for step in body["timeline"]] == ["draft", "submitted"]
    assert all(document["locked"] for document in body["documents"])
    assert client.get(base, headers=headers).get_json()[0]["status_title"] == "Submitted"


def test_the_api_is_in_the_openapi_document(app, participants):
    world = participants("dm-app-doc")
    spec = app.test_client().get(world.path("/api/v1/openapi.json")).get_json()
    paths = {path for path in spec["paths"] if path.startswith("/api/v1/dmdk/")}
    assert {
        "/api/v1/dmdk/organization",
        "/api/v1/dmdk/organizations/{organization_id}/documents",
        "/api/v1/dmdk/organizations/{organization_id}/documents/{document_id}",
        "/api/v1/dmdk/organizations/{organization_id}/exchange-profiles",
        "/api/v1/dmdk/organizations/{organization_id}/exchange-profiles/{exchange_profile_id}",
        "/api/v1/dmdk/organizations/{organization_id}/applications",
        "/api/v1/dmdk/organizations/{organization_id}/applications/{application_id}",
        "/api/v1/dmdk/organizations/{organization_id}/applications/{application_id}/documents",
        "/api/v1/dmdk/organizations/{organization_id}/applications/{application_id}/submit",
    } <= paths
    upload = spec["paths"]["/api/v1/dmdk/organizations/{organization_id}/documents"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    submit = spec["paths"]["/api/v1/dmdk/organizations/{organization_id}/applications/{application_id}/submit"]
    assert "409" in submit["post"]["responses"] and submit["post"]["summary"]


def test_russian_application_pages(participants):
    world = participants("dm-app-ru", locale="ru")
    _user, clerk = world.employee("клерк", (APPLICATIONS,))
    url = _start(world, clerk)
    page = clerk.get(url).get_data(as_text=True)
    assert "Заявление № " in page and "Черновик" in page and "Подать заявление" in page
    assert ">draft<" not in page and "<table" not in page
    refused = clerk.submit(url + "/submit", form_url=url).get_data(as_text=True)
    assert "«Устав», «Выписка из ЕГРЮЛ»" in refused


def test_the_staff_start_page_counts_the_queue(app, participants):
    world = participants("dm-app-count")
    _user, clerk = world.employee("клерк", (APPLICATIONS,))
    url = _ready(world, clerk)
    clerk.submit(url + "/submit", form_url=url)
    _operator, operator = world.operator()
    start = operator.get(world.path("/admin/")).get_data(as_text=True)
    assert "Applications for special registration awaiting a decision" in start


def test_saving_settings_checks_the_types(app, participants):
    world = participants("dm-app-set-bad")
    _staff, staff_client = world.operator(roles=("tenant_admin",))
    url = world.path("/dmdk/admin/applications/settings")
    refused = staff_client.submit(url, {"required_for_legal": ["no-such-type"]})
    assert refused.status_code == 400
    with app.app_context(), tenant_scope(world.tenant.id):
        from plugins.dmdk.applications.settings import required_types

        assert required_types("legal") == ("charter", "egrul_extract")
        save_settings("dmdk.applications", {"required_for_entrepreneur": ["egrip_extract", "license"]})
        assert required_types("entrepreneur") == ("egrip_extract", "license")
