"""Operator pages of contracts: search and filter, one contract with its service states, open a new one."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from core.api import session, tenant_scope
from core.testing.fixtures import tenant_path
from core.testing.web import link_by_rel
from plugins.isp.models import ACTIVE, Contract, Freeze, Promise, TariffChange

PASSWORD = re.compile(r'data-testid="password">([^<]+)<')


@pytest.fixture
def site(isp_tenant, catalog, make_user):
    tenant = isp_tenant("isp-ops", locale="en")
    ids = catalog(tenant)
    operator = make_user(tenant, "operator", roles=("operator",))
    return tenant, ids, operator


def _freeze(app, tenant, contract_id: int, first: date, last: date) -> None:
    with app.app_context(), tenant_scope(tenant.id):
        session.add(
            Freeze(contract_id=contract_id, starts_on=first, ends_on=last, status=ACTIVE, open_slot=contract_id)
        )
        session.commit()


def test_operator_opens_a_contract_and_the_printed_credentials_log_in(app, site, login):
    tenant, _ids, operator = site
    client = login(tenant, operator)
    form = client.get(tenant_path(tenant, "/isp/admin/contracts/new")).get_data(as_text=True)
    assert 'value="inet100"' in form and 'value="old60"' not in form  # archived is not offered
    response = client.submit(
        tenant_path(tenant, "/isp/admin/contracts/new"),
        {
            "number": "800100",
            "holder_name": "Sidorov Ivan",
            "holder_kind": "individual",
            "category": "cable",
            "address": "Lenina 1-2",
            "email": "sidorov@example.com",
            "phone": "+7 900 000-00-00",
            "products": ["inet300", "tvbase", "antivirus"],
            "starts_on": date.today().isoformat(),
        },
    )
    assert response.status_code == 200
    sheet = response.get_data(as_text=True)
    assert "Access to your personal cabinet" in sheet and "800100" in sheet
    password = PASSWORD.search(sheet).group(1)
    with app.app_context(), tenant_scope(tenant.id):
        contract = session.query(Contract).filter_by(number="800100").one()
        assert sorted(s.product.code for s in contract.subscriptions) == ["antivirus", "inet300", "kids", "tvbase"]
        assert contract.account.address == "Lenina 1-2"
    subscriber = app.test_client()
    assert (
        subscriber.submit(tenant_path(tenant, "/login"), {"login": "800100", "password": password}).status_code == 302
    )
    assert "Home 300" in subscriber.get(tenant_path(tenant, "/isp/")).get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"number": ""}, "Enter the contract number."),
        ({"number": "800001"}, "already used"),
        ({"holder_name": ""}, "Enter the holder"),
        ({"holder_kind": "legal", "holder_inn": "12"}, "INN: 10 or 12 digits"),
        ({"products": ["wifi50"]}, "is not offered to this subscriber"),
        ({"products": ["biz100"]}, "is not offered to this subscriber"),
        ({"products": ["inet100", "inet300"]}, "at most one internet and one TV tariff"),
        ({"products": ["tvbase", "kids"]}, "«Kids» is already included in «TV Base»"),
        ({"email": "not-mail"}, "Enter an e-mail address"),
        ({"starts_on": "31.12.2026"}, "YYYY-MM-DD"),
    ],
)
def test_a_wrong_contract_form_says_why_and_opens_nothing(app, site, login, make_contract, changes, message):
    tenant, _ids, operator = site
    make_contract(tenant, "800001")
    client = login(tenant, operator)
    data = {
        "number": "800200",
        "holder_name": "Someone",
        "holder_kind": "individual",
        "category": "cable",
        "products": ["inet100"],
        "starts_on": date.today().isoformat(),
        **changes,
    }
    response = client.submit(tenant_path(tenant, "/isp/admin/contracts/new"), data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context(), tenant_scope(tenant.id):
        assert session.query(Contract).count() == 1


def test_legal_entity_and_wifi_contracts_get_their_own_tariffs(app, site, login):
    tenant, _ids, operator = site
    client = login(tenant, operator)
    base = {"holder_kind": "individual", "category": "cable", "starts_on": date.today().isoformat()}
    legal = {
        **base,
        "number": "800300",
        "holder_name": "OOO Romashka",
        "holder_kind": "legal",
        "holder_inn": "7451234567",
        "products": ["biz100", "static_ip"],
    }
    assert client.submit(tenant_path(tenant, "/isp/admin/contracts/new"), legal).status_code == 200
    wifi = {**base, "number": "800301", "holder_name": "Wi-Fi user", "category": "wifi", "products": ["wifi50"]}
    assert client.submit(tenant_path(tenant, "/isp/admin/contracts/new"), wifi).status_code == 200
    with app.app_context(), tenant_scope(tenant.id):
        romashka = session.query(Contract).filter_by(number="800300").one()
        assert romashka.is_legal and romashka.account.holder_inn == "7451234567"
        assert session.query(Contract).filter_by(number="800301").one().category == "wifi"


def test_contracts_are_searched_and_filtered_by_state(app, site, login, make_contract):
    tenant, _ids, operator = site
    make_contract(tenant, "810001", balance=50000)
    make_contract(tenant, "810002", balance=-20000, blocked=True)
    frozen = make_contract(tenant, "810003", balance=10000)
    _freeze(app, tenant, frozen.id, date.today() - timedelta(days=2), date.today() + timedelta(days=10))
    client = login(tenant, operator)

    def numbers(query: str) -> list[str]:
        page = client.get(tenant_path(tenant, "/isp/admin/contracts" + query)).get_data(as_text=True)
        return re.findall(r">(81000\d)</a>", page)

    assert numbers("") == ["810001", "810002", "810003"]
    assert numbers("?state=blocked") == ["810002"]
    assert numbers("?state=frozen") == ["810003"]
    assert numbers("?state=active") == ["810001"]
    assert numbers("?q=810002") == ["810002"]
    assert numbers("?q=holder+810003") == ["810003"]  # holder names are "Holder <number>"


def test_the_contract_list_is_paginated(app, site, login, make_contract, monkeypatch):
    from plugins.isp.contracts import admin as admin_contracts

    tenant, _ids, operator = site
    for n in range(3):
        make_contract(tenant, f"82000{n}")
    monkeypatch.setattr(admin_contracts, "PAGE_SIZE", 2)
    client = login(tenant, operator)
    first = client.get(tenant_path(tenant, "/isp/admin/contracts")).get_data(as_text=True)
    assert "820000" in first and "820001" in first and "820002" not in first and "1–2 of 3" in first
    second = client.get(link_by_rel(first, "next")).get_data(as_text=True)
    assert "820002" in second and "820000" not in second and "3–3 of 3" in second
    by_holder = client.get(tenant_path(tenant, "/isp/admin/contracts?sort=holder&q=82000")).get_data(as_text=True)
    following = link_by_rel(by_holder, "next")
    assert "sort=holder" in following and "q=82000" in following
    assert "820002" in client.get(following).get_data(as_text=True)


def test_the_contract_page_shows_services_states_and_pending_requests(app, site, login, make_contract):
    tenant, ids, operator = site
    made = make_contract(tenant, "830001", products=("inet100", "tvbase"), balance=-30000, blocked=True)
    effective = date.today().replace(day=1) + timedelta(days=40)
    with app.app_context(), tenant_scope(tenant.id):
        contract = session.get(Contract, made.id)
        internet = next(s for s in contract.subscriptions if s.product.code == "inet100")
        session.add(
            TariffChange(
                contract_id=contract.id,
                subscription_id=internet.id,
                to_product_id=ids["inet300"],
                effective_on=effective,
                pending_slot=contract.id,
            )
        )
        session.add(
            Promise(
                contract_id=contract.id,
                amount=50000,
                due_at=contract.created_at + timedelta(days=3),
                active_slot=contract.id,
            )
        )
        session.commit()
    client = login(tenant, operator)
    page = client.get(tenant_path(tenant, f"/isp/admin/contracts/{made.id}")).get_data(as_text=True)
    assert "Holder 830001" in page and "Кабельный интернет" in page  # the tenant's own words for its category
    assert "Blocked for debt" in page and "included in «TV Base»" in page
    assert "to «Home 300» on" in page
    assert "until" in page and "500.00" in page  # the promise
    assert f"/admin/accounts/{made.account_id}" in page  # core's account page


def test_contract_pages_need_the_permission_and_another_tenants_contract_is_not_found(
    app, site, login, make_contract, isp_tenant, catalog
):
    tenant, _ids, operator = site
    mine = make_contract(tenant, "840001")
    other = isp_tenant("isp-ops-2", locale="en")
    catalog(other)
    theirs = make_contract(other, "840002")
    subscriber = login(tenant, mine)
    assert subscriber.get(tenant_path(tenant, "/isp/admin/contracts")).status_code == 403
    assert subscriber.get(tenant_path(tenant, f"/isp/admin/contracts/{mine.id}")).status_code == 403
    assert subscriber.get(tenant_path(tenant, "/isp/admin/contracts/new")).status_code == 403
    client = login(tenant, operator)
    assert client.get(tenant_path(tenant, f"/isp/admin/contracts/{theirs.id}")).status_code == 404
    assert client.get(tenant_path(tenant, f"/isp/admin/contracts/{mine.id}")).status_code == 200
