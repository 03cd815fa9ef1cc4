"""Statements, the API and receipts name services by the plugins' ``service_titles``."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core.accounts.models import PersonalAccount
from core.accounts.service import grant_access, open_account
from core.db import session, tenant_scope
from core.identity.models import User
from core.ledger import service as ledger
from core.testing.fixtures import tenant_path
from tests.identity import variant_plugin


@pytest.fixture
def app_plugins():
    return [variant_plugin]


@pytest.fixture
def site(app, make_tenant, make_user, enable_plugin):
    tenant = make_tenant("titles-site", login_identifier="contract")
    user = make_user(tenant, "500100")
    with app.app_context(), tenant_scope(tenant.id):
        account = open_account("500100", holder_name="Holder")
        grant_access(session.get(User, user.id), account)
        for key, service in (("c1", "v100"), ("c2", "heating")):
            ledger.transfer(
                key,
                "charge",
                account.ledger_account,
                ledger.revenue_account(service),
                10_000,
                service=service,
                period="2026-10",
                occurred_at=datetime(2026, 10, 1, 6, tzinfo=UTC),
            )
        session.commit()
    return tenant, user


def test_history_shows_the_plugins_name_for_its_service_code(site, login, enable_plugin):
    tenant, user = site
    client = login(tenant, user)
    before = client.get(tenant_path(tenant, "/money/history")).get_data(as_text=True)
    assert "Variant 100 Mbit/s" not in before and "v100" in before
    enable_plugin(tenant, "variants")
    after = client.get(tenant_path(tenant, "/money/history")).get_data(as_text=True)
    assert "Variant 100 Mbit/s" in after
    assert "Отопление" in after  # core still names the common codes


def test_the_api_gives_the_service_name_beside_the_code(app, site, api_token, enable_plugin, client):
    tenant, user = site
    enable_plugin(tenant, "variants")
    token = api_token(tenant, user)
    with app.app_context(), tenant_scope(tenant.id):
        account_id = session.scalar(select(PersonalAccount.id))
    response = client.get(
        tenant_path(tenant, f"/api/v1/accounts/{account_id}/operations"), headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    titles = {op["service"]: op["service_title"] for op in response.get_json()}
    assert titles["v100"] == "Variant 100 Mbit/s"
