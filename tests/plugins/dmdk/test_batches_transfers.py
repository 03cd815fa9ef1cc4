"""Transfer specifications on the pages: draft → sent → accepted (the batches change owner) or returned with a
reason; a batch is never in two transfers nor transferred twice; each side does only its own part; the
receiver's and the sender's batch operators are notified."""

from __future__ import annotations

import re

from sqlalchemy import select

from core.api import session, tenant_scope
from core.testing.fixtures import tenant_path
from plugins.dmdk.batches import terms
from plugins.dmdk.batches.models import SpecificationItem
from plugins.dmdk.employees.roles import ADMIN
from tests.plugins.dmdk.market import (
    NEVA,
    add_member,
    batch_row,
    make_batch,
    make_specification,
    spec_status,
)


def _new_spec(member, receiver_inn: str, batch_ids):
    return member.client.submit(
        member.url("/specifications/new"), {"receiver_inn": receiver_inn, "batch_ids": [str(b) for b in batch_ids]}
    )


def _spec_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    return int(re.search(r"/specifications/(\d+)$", response.headers["Location"]).group(1))


def _act(member, spec_id: int, action: str, data=None):
    return member.client.submit(
        member.url(f"/specifications/{spec_id}/{action}"), data or {}, form_url=member.url("/specifications")
    )


def test_a_sent_specification_accepted_moves_the_batches(app, market, make_user, login):
    tenant, north, neva = market("tr-accept")
    first, second = make_batch(app, north, name="Кольцо"), make_batch(app, north, name="Серьги")
    _operator, other_client = add_member(app, tenant, make_user, login, neva.id, "neva-two")
    _admin, admin_client = add_member(app, tenant, make_user, login, neva.id, "neva-admin", roles=(ADMIN,))
    spec_id = _spec_id(_new_spec(north, NEVA["inn"], [first, second]))
    # a draft: the batches are held by it, the receiver does not see it yet
    row = batch_row(app, tenant, first)
    assert (row["status"], row["specification_id"]) == (terms.REGISTERED, spec_id)
    assert neva.client.get(neva.url(f"/specifications/{spec_id}")).status_code == 404
    assert _act(north, spec_id, "send").status_code == 302
    assert {batch_row(app, tenant, b)["status"] for b in (first, second)} == {terms.IN_TRANSFER}
    # the receiver's batch operators are told
    for client in (neva.client, other_client):
        notices = client.get(tenant_path(tenant, "/notifications")).get_data(as_text=True)
        assert f"Specification No. {spec_id} from АО «Северное сияние»" in notices
    assert "Северное сияние" not in admin_client.get(tenant_path(tenant, "/notifications")).get_data(as_text=True)
    page = neva.client.get(neva.url(f"/specifications/{spec_id}")).get_data(as_text=True)
    assert "Кольцо" in page and "Серьги" in page and "Accept the batches" in page
    assert _act(neva, spec_id, "accept").status_code == 302
    for batch_id in (first, second):
        row = batch_row(app, tenant, batch_id)
        assert (row["organization_id"], row["status"], row["specification_id"]) == (neva.id, terms.REGISTERED, None)
        assert north.client.get(north.url(f"/batches/{batch_id}")).status_code == 404
        assert neva.client.get(neva.url(f"/batches/{batch_id}")).status_code == 200
    assert "Кольцо" in neva.client.get(neva.url("/batches")).get_data(as_text=True)
    notices = north.client.get(tenant_path(tenant, "/notifications")).get_data(as_text=True)
    assert f"ООО «Невский ювелир» accepted specification No. {spec_id}" in notices
    # both sides keep the specification in their list
    assert f"No. {spec_id}" in north.client.get(north.url("/specifications")).get_data(as_text=True)
    assert f"No. {spec_id}" in neva.client.get(neva.url("/specifications")).get_data(as_text=True)


def test_a_returned_specification_leaves_the_batches_with_the_sender(app, market):
    tenant, north, neva = market("tr-return")
    batch_id = make_batch(app, north)
    spec_id = make_specification(app, north, neva, [batch_id], send=True)
    missing = _act(neva, spec_id, "return", {})
    assert missing.status_code == 400 and "Give the reason." in missing.get_data(as_text=True)
    assert spec_status(app, tenant, spec_id) == terms.SENT
    assert _act(neva, spec_id, "return", {"reason": "Вес не совпадает с накладной"}).status_code == 302
    row = batch_row(app, tenant, batch_id)
    assert (row["organization_id"], row["status"], row["specification_id"]) == (north.id, terms.REGISTERED, None)
    notices = north.client.get(tenant_path(tenant, "/notifications")).get_data(as_text=True)
    assert f"ООО «Невский ювелир» returned specification No. {spec_id}" in notices
    assert "Reason: Вес не совпадает с накладной." in notices
    page = north.client.get(north.url(f"/specifications/{spec_id}")).get_data(as_text=True)
    assert "Returned" in page and "Вес не совпадает с накладной" in page
    # the returned batch may go into a new specification
    assert _new_spec(north, NEVA["inn"], [batch_id]).status_code == 302


def test_a_batch_is_never_in_two_transfers_nor_transferred_twice(app, market):
    tenant, north, neva = market("tr-twice")
    batch_id = make_batch(app, north)
    spec_id = _spec_id(_new_spec(north, NEVA["inn"], [batch_id]))
    # a second specification of the same batch while the first is a draft, then while it is sent
    refused = _new_spec(north, NEVA["inn"], [batch_id])
    assert refused.status_code == 409
    assert f"is already in specification No. {spec_id}" in refused.get_data(as_text=True)
    _act(north, spec_id, "send")
    assert _new_spec(north, NEVA["inn"], [batch_id]).status_code == 409
    # writing off a batch in transfer is refused too
    write_off = north.client.submit(
        north.url(f"/batches/{batch_id}/write-off"), {"reason": "x"}, form_url=north.url("/batches")
    )
    assert write_off.status_code == 409
    assert _act(neva, spec_id, "accept").status_code == 302
    # the same specification is not accepted (or returned) again
    again = _act(neva, spec_id, "accept")
    assert again.status_code == 409 and "already been accepted or returned" in again.get_data(as_text=True)
    assert _act(neva, spec_id, "return", {"reason": "передумали"}).status_code == 409
    # the former owner cannot transfer it again: the batch is not theirs any more
    assert _new_spec(north, NEVA["inn"], [batch_id]).status_code == 409
    with app.app_context(), tenant_scope(tenant.id):
        listed = list(
            session.scalars(select(SpecificationItem.specification_id).where(SpecificationItem.batch_id == batch_id))
        )
    assert listed == [spec_id]
    assert batch_row(app, tenant, batch_id)["organization_id"] == neva.id


def test_each_side_does_only_its_part(app, market):
    tenant, north, neva = market("tr-sides")
    spec_id = make_specification(app, north, neva, [make_batch(app, north)])
    # the receiver neither sees nor sends the sender's draft
    assert _act(neva, spec_id, "send").status_code == 404
    assert _act(north, spec_id, "accept").status_code == 409  # a draft is not accepted, and not by its sender
    _act(north, spec_id, "send")
    refused = _act(north, spec_id, "accept")
    assert refused.status_code == 409 and "Only the receiver may do this." in refused.get_data(as_text=True)
    assert _act(neva, spec_id, "delete").status_code == 409
    assert spec_status(app, tenant, spec_id) == terms.SENT


def test_a_draft_specification_may_be_deleted_and_frees_its_batches(app, market):
    tenant, north, neva = market("tr-del")
    batch_id = make_batch(app, north)
    spec_id = make_specification(app, north, neva, [batch_id])
    assert _act(north, spec_id, "delete").status_code == 302
    assert spec_status(app, tenant, spec_id) is None
    assert batch_row(app, tenant, batch_id)["specification_id"] is None
    with app.app_context(), tenant_scope(tenant.id):
        assert session.scalar(select(SpecificationItem.id).where(SpecificationItem.batch_id == batch_id)) is None
    assert _new_spec(north, NEVA["inn"], [batch_id]).status_code == 302


def test_only_registered_batches_of_the_sender_go_to_a_registered_receiver(app, market):
    tenant, north, neva = market("tr-rules")
    draft = make_batch(app, north, register=False)
    theirs = make_batch(app, neva)
    mine = make_batch(app, north)
    cases = {
        "7707083893": "No organization with this INN is registered here",
        north.inn: "Batches are transferred to another organization.",
    }
    for inn, message in cases.items():
        response = _new_spec(north, inn, [mine])
        assert response.status_code == 409 and message in response.get_data(as_text=True)
    response = _new_spec(north, NEVA["inn"], [mine, draft, theirs])
    text = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "is not registered: only a registered batch is transferred." in text
    assert f"Batch No. {theirs} is not one of your organization" in text
    assert batch_row(app, tenant, mine)["specification_id"] is None  # nothing half-done
    nothing = _new_spec(north, NEVA["inn"], [])
    assert nothing.status_code == 400 and "Choose at least one batch." in nothing.get_data(as_text=True)


def test_the_new_specification_page_offers_free_batches_and_other_organizations(app, market):
    _tenant, north, neva = market("tr-page")
    free = make_batch(app, north, name="Свободная")
    make_specification(app, north, neva, [make_batch(app, north, name="Занятая")])
    make_batch(app, north, name="Черновая", register=False)
    page = north.client.get(north.url(f"/specifications/new?batch={free}")).get_data(as_text=True)
    assert "Свободная" in page and "Занятая" not in page and "Черновая" not in page
    assert f'value="{NEVA["inn"]}"' in page and f'value="{north.inn}"' not in page
    assert f'value="{free}" checked' in page
