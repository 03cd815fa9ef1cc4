"""Opening a contract: account, services with their bundled packages, and the subscriber's login."""

from core.api import session, tenant_scope
from core.testing.fixtures import tenant_path
from plugins.isp.models import Contract


def test_a_contract_has_its_services_and_a_login_by_contract_number(app, isp_tenant, catalog, make_contract, client):
    tenant = isp_tenant()
    catalog(tenant)
    made = make_contract(tenant, "700100", products=("inet100", "tvbase"), balance=-5000)
    with app.app_context(), tenant_scope(tenant.id):
        contract = session.get(Contract, made.id)
        codes = sorted(s.product.code for s in contract.subscriptions)
        assert codes == ["inet100", "kids", "tvbase"]
        bundled = next(s for s in contract.subscriptions if s.product.code == "kids")
        assert bundled.bundled_with_id is not None
        assert contract.account.balance == -5000
    response = client.submit(tenant_path(tenant, "/login"), {"login": "700100", "password": made.password})
    assert response.status_code == 302
