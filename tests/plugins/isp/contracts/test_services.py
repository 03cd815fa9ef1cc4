"""The subscriber's services overview, the dashboard cards and ``GET /api/v1/isp/accounts/<id>/services``."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from core.api import session, tenant_scope
from core.testing.fixtures import tenant_path
from plugins.isp.common.calendar import days_in_month
from plugins.isp.models import ACTIVE, Contract, Freeze, Product, Subscription, TariffChange


@pytest.fixture
def site(isp_tenant, catalog):
    tenant = isp_tenant("isp-subs", locale="en")
    return tenant, catalog(tenant)


def _page(client, tenant, path: str = "/isp/") -> str:
    response = client.get(tenant_path(tenant, path))
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_an_active_subscriber_sees_each_service_fee_balance_and_days_left(app, site, login, make_contract):
    tenant, _ids = site
    made = make_contract(tenant, "900001", products=("inet100", "tvbase"), balance=80000)
    page = _page(login(tenant, made), tenant)
    assert "Home 100" in page and "TV Base" in page and "Kids" in page
    assert "included in «TV Base»" in page
    assert page.count(">Active</span>") == 3
    assert re.search(r"Monthly fee: 800\.00\s₽\.", page)  # 500 + 300; the bundled Kids is in TV Base's price
    # 800 ₽ a month is 800/30 ≈ 26.67 ₽ a day (rounded up): 800 ₽ of balance lasts 29 days in a 30-day month
    daily = -(-80000 // days_in_month(date.today()))
    days = re.search(r'data-testid="days-left">Your own money is enough for (\d+) days', page)
    assert days is not None and abs(int(days[1]) - 80000 // daily) <= 1  # a month's end may shift it by one
    assert "limited mode" not in page


def test_each_status_is_told_in_words(app, site, login, make_contract):
    tenant, ids = site
    made = make_contract(tenant, "900002", products=("inet100", "tvbase"), balance=50000)
    today = date.today()
    later = today + timedelta(days=10)
    with app.app_context(), tenant_scope(tenant.id):
        contract = session.get(Contract, made.id)
        internet = next(s for s in contract.subscriptions if s.product.code == "inet100")
        session.add(Subscription(contract_id=contract.id, product_id=ids["static_ip"], starts_on=later))
        session.add(
            TariffChange(
                contract_id=contract.id,
                subscription_id=internet.id,
                to_product_id=ids["inet300"],
                effective_on=later,
                pending_slot=contract.id,
            )
        )
        session.commit()
    client = login(tenant, made)
    page = _page(client, tenant)
    assert "Active; changes to «Home 300» on" in page
    assert "Starts on" in page and "Static IP" in page

    _ = _freeze(app, tenant, made.id, today - timedelta(days=1), today + timedelta(days=6))
    page = _page(client, tenant)
    assert page.count("Voluntarily blocked until") == 3  # internet, TV, the bundled Kids
    assert "Voluntary block from" in page


def _freeze(app, tenant, contract_id: int, first: date, last: date) -> None:
    with app.app_context(), tenant_scope(tenant.id):
        session.add(
            Freeze(contract_id=contract_id, starts_on=first, ends_on=last, status=ACTIVE, open_slot=contract_id)
        )
        session.commit()


def test_a_blocked_subscriber_gets_the_limited_mode_with_pay_promise_and_support(app, site, login, make_contract):
    tenant, _ids = site
    made = make_contract(tenant, "900003", products=("inet100",), balance=-25000, blocked=True)
    client = login(tenant, made)
    page = _page(client, tenant)
    assert page.count("Blocked for debt") == 1
    assert 'data-testid="limited-mode"' in page
    assert "you can pay, take a promised payment and write to support" in page
    assert tenant_path(tenant, "/money/pay") in page
    assert tenant_path(tenant, "/support/new") in page
    assert tenant_path(tenant, "/isp/promise") in page
    # every page the banner links to opens (no 500 in the limited mode)
    for path in ("/money/pay", "/support/new", "/isp/promise", "/"):
        assert client.get(tenant_path(tenant, path)).status_code == 200, path
    dashboard = _page(client, tenant, "/")
    assert "Services are blocked" in dashboard and 'data-testid="limited-mode"' in dashboard
    assert "Home 100" in dashboard


def test_the_dashboard_card_lists_services_with_their_state(app, site, login, make_contract):
    tenant, _ids = site
    made = make_contract(tenant, "900004", products=("inet300",), balance=100000)
    dashboard = _page(login(tenant, made), tenant, "/")
    assert 'data-testid="isp-services"' in dashboard
    assert '<strong>Home 300</strong> — <span class="status-active">Active</span>' in dashboard
    assert "Services are blocked" not in dashboard


def test_a_legal_entity_reads_that_changes_go_by_written_application(app, site, login, make_contract):
    tenant, _ids = site
    made = make_contract(tenant, "900005", products=("biz100",), holder_kind="legal", balance=100000)
    page = _page(login(tenant, made), tenant)
    assert 'data-testid="legal-note"' in page and "written application" in page
    assert tenant_path(tenant, "/isp/freeze") not in page


def test_a_login_without_a_contract_gets_a_friendly_page(app, site, make_user, login):
    tenant, _ids = site
    user = make_user(tenant, "nocontract", roles=("subscriber",))
    page = _page(login(tenant, user), tenant)
    assert "No contract yet" in page
    assert "isp-services" not in _page(login(tenant, user), tenant, "/")


def test_api_lists_services_with_status_codes_and_prices(app, site, make_contract, api_token, client):
    tenant, _ids = site
    made = make_contract(tenant, "900006", products=("inet100", "tvbase"), balance=-10000, blocked=True)
    token = api_token(tenant, made)
    response = client.get(
        tenant_path(tenant, f"/api/v1/isp/accounts/{made.account_id}/services"),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["contract"] == "900006" and body["category"] == "cable" and body["holder_kind"] == "individual"
    assert body["blocked"] is True and body["frozen"] is False
    assert body["balance"] == -10000 and body["monthly_fee"] == 80000
    services = {s["code"]: s for s in body["services"]}
    assert services["inet100"]["status"] == "blocked" and services["inet100"]["monthly_fee"] == 50000
    assert services["kids"]["monthly_fee"] is None and services["kids"]["included_in"] == "TV Base"
    assert services["tvbase"]["status_text"] == "Blocked for debt"


def test_api_answers_404_for_someone_elses_account_or_one_without_a_contract(
    app, site, make_contract, api_token, client
):
    from core.accounts.service import grant_access, open_account
    from core.identity.models import User

    tenant, _ids = site
    mine = make_contract(tenant, "900008")
    other = make_contract(tenant, "900007")
    with app.app_context(), tenant_scope(tenant.id):
        plain = open_account("900009", holder_name="No contract")
        grant_access(session.get(User, mine.user_id), plain)
        session.commit()
        plain_id = plain.id
    headers = {"Authorization": f"Bearer {api_token(tenant, mine)}"}

    def services(account_id: int, **kwargs):
        return client.get(tenant_path(tenant, f"/api/v1/isp/accounts/{account_id}/services"), **kwargs)

    assert services(mine.account_id, headers=headers).status_code == 200
    assert services(other.account_id, headers=headers).status_code == 404
    assert services(other.account_id + 1000, headers=headers).status_code == 404
    no_contract = services(plain_id, headers=headers)
    assert no_contract.status_code == 404
    assert "no ISP contract" in no_contract.get_json()["message"]
    assert services(mine.account_id).status_code == 401


def test_the_overview_follows_the_chosen_account(app, site, login, make_contract):
    from core.accounts.models import PersonalAccount
    from core.accounts.service import grant_access
    from core.identity.models import User

    tenant, _ids = site
    first = make_contract(tenant, "900008", products=("inet100",))
    second = make_contract(tenant, "900009", products=("inet500",))
    with app.app_context(), tenant_scope(tenant.id):
        grant_access(session.get(User, first.user_id), session.get(PersonalAccount, second.account_id))
        session.commit()
        assert session.query(Product).count() == 13
    client = login(tenant, first)
    assert "Home 100" in _page(client, tenant)
    client.submit(
        tenant_path(tenant, "/money/switch"),
        {"account_id": second.account_id, "next": tenant_path(tenant, "/isp/")},
        form_url=tenant_path(tenant, "/isp/"),
    )
    page = _page(client, tenant)
    assert "Home 500" in page and "Home 100" not in page.split("<h2>Services</h2>")[1]
