"""Disabling ``isp`` for one tenant removes its pages, API, menu and charging there only ("Done when" 7)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.api import session, tenant_scope
from core.testing.fixtures import tenant_path
from plugins.isp.models import Contract


@pytest.fixture
def two_isps(isp_tenant, catalog, make_contract, make_user, disable_plugin):
    """Two ISP tenants with a subscriber and an operator each; isp is then disabled for the first."""
    sites = []
    for slug in ("isp-off", "isp-on"):
        tenant = isp_tenant(slug, locale="en")
        catalog(tenant)
        made = make_contract(tenant, "500100", products=("inet100",), balance=100000, opened_days_ago=10)
        operator = make_user(tenant, "operator", roles=("operator",))
        sites.append((tenant, made, operator))
    disable_plugin(sites[0][0], "isp")
    return sites


SUBSCRIBER_PAGES = ("/isp/",)
OPERATOR_PAGES = ("/isp/admin/catalog", "/isp/admin/contracts", "/isp/admin/contracts/new")


def test_pages_and_menu_are_gone_only_where_isp_is_disabled(app, two_isps, login):
    for (tenant, made, operator), expected in zip(two_isps, (404, 200), strict=True):
        subscriber = login(tenant, made)
        for path in SUBSCRIBER_PAGES:
            assert subscriber.get(tenant_path(tenant, path)).status_code == expected, (tenant.slug, path)
        dashboard = subscriber.get(tenant_path(tenant, "/")).get_data(as_text=True)
        assert (f'href="{tenant_path(tenant, "/isp/")}"' in dashboard) is (expected == 200)
        assert ('data-testid="isp-services"' in dashboard) is (expected == 200)
        staff = login(tenant, operator)
        for path in OPERATOR_PAGES:
            assert staff.get(tenant_path(tenant, path)).status_code == expected, (tenant.slug, path)
        with app.app_context(), tenant_scope(tenant.id):
            contract_id = session.query(Contract).filter_by(number="500100").one().id
        contract_page = staff.get(tenant_path(tenant, f"/isp/admin/contracts/{contract_id}"))
        assert contract_page.status_code == expected
        admin_home = staff.get(tenant_path(tenant, "/")).get_data(as_text=True)
        assert (tenant_path(tenant, "/isp/admin/contracts") in admin_home) is (expected == 200)


def test_the_api_is_gone_only_where_isp_is_disabled(app, two_isps, api_token, client):
    for (tenant, made, _operator), expected in zip(two_isps, (404, 200), strict=True):
        token = api_token(tenant, made)
        url = tenant_path(tenant, f"/api/v1/isp/accounts/{made.account_id}/services")
        response = client.get(url, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == expected, tenant.slug


def test_charging_skips_the_tenant_that_disabled_isp(app, two_isps):
    from core.jobs.registry import run_job

    if "isp.charge" not in app.extensions["abonent.jobs"]:
        pytest.fail("the isp.charge job is not registered")
    run_job(app, "isp.charge", datetime.now(UTC))
    balances = []
    for tenant, made, _operator in two_isps:
        with app.app_context(), tenant_scope(tenant.id):
            balances.append(session.get(Contract, made.id).account.balance)
    off, on = balances
    assert off == 100000  # not charged
    assert on < 100000  # ten days and today of Home 100 were charged
