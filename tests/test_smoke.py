from core.testing.fixtures import tenant_path


def test_login_and_dashboard(app, make_tenant, make_user, login):
    tenant = make_tenant("acme")
    user = make_user(tenant, "ann@example.com", full_name="Ann")
    client = login(tenant, user)
    page = client.get(tenant_path(tenant, "/"))
    assert page.status_code == 200
    assert "Ann" in page.get_data(as_text=True)
