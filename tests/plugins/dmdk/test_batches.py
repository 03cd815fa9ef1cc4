"""Batches on the pages: the УИН (check digit, format, unique per tenant), exact weight and fineness, the
statuses draft → registered → written off (with a reason), the role that reaches the pages, another
organization's or tenant's batch answering 404, the CSV export, the public lookup and the Russian pages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.api import session, tenant_scope
from core.testing.fixtures import tenant_path
from plugins.dmdk.batches import terms, uin
from plugins.dmdk.batches.lookup import MISSES
from plugins.dmdk.batches.models import Batch
from plugins.dmdk.employees.roles import ADMIN, APPLICATIONS, BATCHES, PARTICIPANT
from tests.plugins.dmdk.market import (
    GOLD_RING,
    add_member,
    batch_count,
    batch_row,
    make_batch,
    make_specification,
)

VALID_UIN = "4539148803436467"  # 15 digits and their Luhn check digit


def test_the_uin_check_digit_catches_typos():
    assert uin.problem(VALID_UIN) is None
    assert uin.problem("4539 1488 0343 6467") is None  # groups of digits as printed
    assert "check the number for a typo" in uin.problem("4539148803436468")
    assert "check the number for a typo" in uin.problem("4539148803436476")  # two neighbours swapped
    assert uin.problem("453914880343646") == "The UIN has 16 digits, not 15."
    assert uin.problem("45391488O3436467") == "The UIN consists of digits only."
    assert uin.problem("") == "Enter the UIN: 16 digits."
    generated = {uin.generate(lambda number: False) for _ in range(50)}
    assert len(generated) == 50
    assert all(len(number) == 16 and number[0] != "0" and uin.problem(number) is None for number in generated)


def test_weight_and_fineness_are_kept_exactly():
    assert terms.parse_grams("12,345") == (12345, None)
    assert terms.parse_grams("0.001") == (1, None)
    assert terms.parse_grams("1 000") == (1_000_000, None)
    assert terms.parse_grams("1,2345")[1] == "The weight is given to the milligram: at most 3 digits after the comma."
    assert terms.parse_grams("0")[1] == "The weight must be more than zero."
    assert terms.parse_fineness("585") == (5850, None)
    assert terms.parse_fineness("999,9") == (9999, None)
    assert terms.parse_fineness("1000")[1] == "The fineness is more than 0 and less than 1000."
    assert terms.parse_fineness("958,33")[1] == "The fineness has at most one digit after the comma."
    assert (terms.grams(12345), terms.grams(3000), terms.fineness(9999), terms.fineness(5850)) == (
        "12,345",
        "3",
        "999,9",
        "585",
    )


def _created_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    return int(re.search(r"/batches/(\d+)$", response.headers["Location"]).group(1))


def test_a_batch_is_drafted_registered_and_written_off_with_a_reason(app, market):
    tenant, north, _neva = market("bt-life")
    batch_id = _created_id(north.client.submit(north.url("/batches/new"), {**GOLD_RING, "weight": "12,345"}))
    page = north.client.get(north.url(f"/batches/{batch_id}")).get_data(as_text=True)
    assert "Draft" in page and "12,345 g" in page and "Gold" in page and "585" in page
    row = batch_row(app, tenant, batch_id)
    assert row["status"] == terms.DRAFT and uin.problem(row["uin"]) is None
    # a draft cannot be written off; registering puts it into circulation (once)
    refused = north.client.submit(
        north.url(f"/batches/{batch_id}/write-off"), {"reason": "sold"}, form_url=north.url("/batches")
    )
    assert refused.status_code == 409 and "Only a registered batch can be written off." in refused.get_data(
        as_text=True
    )
    register = north.url(f"/batches/{batch_id}/register")
    assert north.client.submit(register, form_url=north.url(f"/batches/{batch_id}")).status_code == 302
    assert batch_row(app, tenant, batch_id)["status"] == terms.REGISTERED
    again = north.client.submit(register, form_url=north.url(f"/batches/{batch_id}"))
    assert again.status_code == 409 and "registered already" in again.get_data(as_text=True)
    # writing off needs the reason
    write_off = north.url(f"/batches/{batch_id}/write-off")
    missing = north.client.submit(write_off, {}, form_url=north.url(f"/batches/{batch_id}"))
    assert missing.status_code == 400 and "Give the reason." in missing.get_data(as_text=True)
    assert batch_row(app, tenant, batch_id)["status"] == terms.REGISTERED
    done = north.client.submit(write_off, {"reason": "Переплавлено"}, form_url=north.url(f"/batches/{batch_id}"))
    assert done.status_code == 302
    page = north.client.get(north.url(f"/batches/{batch_id}")).get_data(as_text=True)
    assert "Written off: Переплавлено" in page
    from core.audit.models import AuditEvent

    with app.app_context(), tenant_scope(tenant.id):
        actions = list(session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == row["uin"])))
    assert actions == ["dmdk.batch.create", "dmdk.batch.register", "dmdk.batch.write_off"]


def test_a_draft_may_be_deleted_a_registered_batch_may_not(app, market):
    tenant, north, _neva = market("bt-del")
    draft = make_batch(app, north, register=False)
    registered = make_batch(app, north)
    assert north.client.submit(north.url(f"/batches/{draft}/delete"), form_url=north.url("/batches")).status_code == 302
    refused = north.client.submit(north.url(f"/batches/{registered}/delete"), form_url=north.url("/batches"))
    assert refused.status_code == 409
    assert batch_count(app, tenant) == 1


def test_the_form_says_what_is_wrong(market):
    _tenant, north, _neva = market("bt-form")
    bad = {"kind": "ring", "name": "", "metal": "tin", "fineness": "1200", "weight": "1,2345", "count": "0"}
    response = north.client.submit(north.url("/batches/new"), bad)
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in (
        "Choose the kind of batch from the list.",
        "Fill this in.",
        "Choose the metal from the list.",
        "The fineness is more than 0 and less than 1000.",
        "at most 3 digits after the comma",
        "Must be greater than or equal to 1",
    ):
        assert message in text, message
    wrong_uin = north.client.submit(north.url("/batches/new"), {**GOLD_RING, "uin": "4539148803436468"})
    assert wrong_uin.status_code == 400 and "check the number for a typo" in wrong_uin.get_data(as_text=True)


def test_a_given_uin_is_unique_in_the_tenant_only(app, market):
    tenant, north, neva = market("bt-uniq")
    first = north.client.submit(north.url("/batches/new"), {**GOLD_RING, "uin": "4539 1488 0343 6467"})
    assert batch_row(app, tenant, _created_id(first))["uin"] == VALID_UIN
    # neither the same organization nor another one of the tenant may give it again
    for member in (north, neva):
        again = member.client.submit(member.url("/batches/new"), {**GOLD_RING, "uin": VALID_UIN})
        assert again.status_code == 409
        assert "A batch with this UIN is already registered." in again.get_data(as_text=True)
    assert batch_count(app, tenant) == 1
    _other, other_north, _other_neva = market("bt-uniq-2")
    assert (
        other_north.client.submit(other_north.url("/batches/new"), {**GOLD_RING, "uin": VALID_UIN}).status_code == 302
    )


PAGES = (
    "/batches",
    "/batches/new",
    "/batches/{batch}",
    "/batches/import",
    "/batches/export.csv",
    "/specifications",
    "/specifications/new",
    "/specifications/{spec}",
)


@pytest.mark.parametrize("role", [ADMIN, PARTICIPANT, APPLICATIONS, BATCHES])
def test_only_the_batch_role_reaches_the_batch_pages_and_api(app, market, make_user, login, api_token, role):
    tenant, north, neva = market(f"bt-role-{role.replace('_', '-')}")
    batch = make_batch(app, north)
    spec = make_specification(app, north, neva, [make_batch(app, north)])
    user, client = add_member(app, tenant, make_user, login, north.id, "someone", roles=(role,))
    expected = 200 if role == BATCHES else 404
    for page in PAGES:
        url = north.url(page.format(batch=batch, spec=spec))
        assert client.get(url).status_code == expected, (role, page)
    posted = client.post(
        north.url(f"/batches/{batch}/register"), data={"csrf_token": client.csrf_token(tenant_path(tenant, "/profile"))}
    )
    assert posted.status_code == (409 if role == BATCHES else 404)
    headers = {"Authorization": f"Bearer {api_token(tenant, user)}"}
    for path in ("/batches", f"/batches/{batch}", "/specifications", f"/specifications/{spec}"):
        assert client.get(north.api(path), headers=headers).status_code == expected, (role, path)


def test_tenant_staff_without_the_role_do_not_reach_batches(app, market, make_user, login):
    tenant, north, _neva = market("bt-staff")
    admin = make_user(tenant, "admin@bt-staff.example", roles=("tenant_admin",))
    assert login(tenant, admin).get(north.url("/batches")).status_code == 404


def test_another_organizations_or_tenants_batch_answers_404(app, market):
    tenant, north, neva = market("bt-iso")
    neva_batch = make_batch(app, neva)
    north_batch = make_batch(app, north)
    token = north.client.csrf_token(north.url("/batches"))
    # neva's batch through north's organization, and neva's organization itself
    for url in (north.url(f"/batches/{neva_batch}"), neva.url(f"/batches/{neva_batch}"), neva.url("/batches")):
        assert north.client.get(url).status_code == 404, url
    for action in ("register", "write-off", "delete"):
        for url in (north.url(f"/batches/{neva_batch}/{action}"), neva.url(f"/batches/{neva_batch}/{action}")):
            assert north.client.post(url, data={"csrf_token": token, "reason": "x"}).status_code == 404, url
    assert batch_row(app, tenant, neva_batch)["status"] == terms.REGISTERED
    # another tenant: the same ids are not found there
    other, other_north, _other_neva = market("bt-iso-2")
    for url in (f"/batches/{north_batch}", f"/batches/{north_batch + 1000}"):
        assert other_north.client.get(other_north.url(url)).status_code == 404
    path = f"/dmdk/organizations/{north.id}/batches/{north_batch}"
    assert other_north.client.get(tenant_path(other, path)).status_code == 404


def test_the_organizations_batches_are_exported_as_csv(app, market):
    _tenant, north, neva = market("bt-csv")
    make_batch(app, north, name="Цепь", metal="silver", fineness=9250, weight_mg=15500, count=3)
    make_batch(app, neva, name="Чужое")
    response = north.client.get(north.url("/batches/export.csv"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffUIN;kind;name;metal;fineness;weight, g;count;status")
    assert ";Product;Цепь;Silver;925;15,500;3;Registered" in text
    assert "Чужое" not in text


def test_the_list_filters_by_status(app, market):
    _tenant, north, _neva = market("bt-list")
    make_batch(app, north, name="Черновик", register=False)
    make_batch(app, north, name="Готовое")
    everything = north.client.get(north.url("/batches")).get_data(as_text=True)
    drafts = north.client.get(north.url("/batches?status=draft")).get_data(as_text=True)
    assert "Черновик" in everything and "Готовое" in everything
    assert "Черновик" in drafts and "Готовое" not in drafts
    assert "<table" not in everything  # cards, for a phone


def _lookup(client, tenant, number: str):
    return client.get(tenant_path(tenant, f"/dmdk/uin?uin={number}"))


def test_the_public_lookup_shows_what_a_buyer_may_see(app, market, client):
    tenant, north, neva = market("bt-pub")
    batch_id = make_batch(app, north, name="Секретное имя", count=7, weight_mg=3250, fineness=7500)
    number = batch_row(app, tenant, batch_id)["uin"]
    make_specification(app, north, neva, [batch_id])
    assert client.get(tenant_path(tenant, "/dmdk/uin")).status_code == 200  # no login needed
    page = _lookup(client, tenant, uin.grouped(number).replace(" ", "+"))
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    for shown in ("In circulation", "Product", "Gold", "750", "3,250 g", "АО «Северное сияние»"):
        assert shown in text, shown
    for hidden in ("Секретное имя", f"/batches/{batch_id}", "Specification", "Невский", ">7<"):
        assert hidden not in text, hidden
    # written off: still found, said so
    with app.app_context(), tenant_scope(tenant.id):
        session.get(Batch, batch_id).status = terms.WRITTEN_OFF
        session.commit()
    assert "Written off" in _lookup(client, tenant, number).get_data(as_text=True)


def test_the_public_lookup_does_not_show_drafts_or_other_tenants(app, market, client):
    tenant, north, _neva = market("bt-pub-d")
    draft_uin = batch_row(app, tenant, make_batch(app, north, register=False))["uin"]
    response = _lookup(client, tenant, draft_uin)
    assert response.status_code == 404 and "No batch with this UIN is in circulation." in response.get_data(
        as_text=True
    )
    registered_uin = batch_row(app, tenant, make_batch(app, north))["uin"]
    other, _n, _m = market("bt-pub-d2")
    assert _lookup(client, other, registered_uin).status_code == 404
    malformed = _lookup(client, tenant, "12345")
    assert malformed.status_code == 400 and "The UIN has 16 digits, not 5." in malformed.get_data(as_text=True)


def test_the_public_lookup_slows_down_guessing(app, market, client):
    tenant, north, _neva = market("bt-pub-t")
    known = batch_row(app, tenant, make_batch(app, north))["uin"]
    unknown = [p + str(uin.check_digit(p)) for p in (f"{100000000000000 + i}" for i in range(MISSES.free))]
    for number in unknown[:-1]:
        assert _lookup(client, tenant, number).status_code == 404
    assert _lookup(client, tenant, known).status_code == 200  # found numbers are never counted
    assert _lookup(client, tenant, unknown[-1]).status_code == 404  # the miss that starts the wait
    slowed = _lookup(client, tenant, known)
    assert slowed.status_code == 429 and "Too many lookups of unknown numbers." in slowed.get_data(as_text=True)


def test_russian_batch_pages(app, market):
    tenant, north, neva = market("bt-ru", locale="ru")
    batch_id = make_batch(app, north)
    make_specification(app, north, neva, [make_batch(app, north)])
    page = north.client.get(north.url("/batches")).get_data(as_text=True)
    assert "Партии" in page and "Изделие" in page and "Золото" in page and "Зарегистрирована" in page
    page = north.client.get(north.url(f"/batches/{batch_id}")).get_data(as_text=True)
    assert "Проба" in page and "Списать" in page and "Передать другой организации" in page
    page = north.client.get(north.url("/specifications")).get_data(as_text=True)
    assert "Спецификации" in page and "Черновик" in page
    page = north.client.get(north.url("/batches/new")).get_data(as_text=True)
    assert "Новая партия" in page and "Полуфабрикат" in page and "Палладий" in page
    number = batch_row(app, tenant, batch_id)["uin"]
    page = north.client.get(tenant_path(tenant, f"/dmdk/uin?uin={number}")).get_data(as_text=True)
    assert "В обороте" in page and "Проба" in page
