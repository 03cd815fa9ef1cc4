"""Admin forms read by schemas: a choice that was not offered is a form error, nothing is created."""

import pytest

from core.testing.fixtures import tenant_path


@pytest.fixture
def isp(make_tenant):
    return make_tenant("isp", name="ISP", login_identifier="contract")


def test_a_staff_role_that_was_not_offered_is_refused(app, isp, make_user, login):
    admin = login(isp, make_user(isp, "boss", roles=("tenant_admin",)))
    form = admin.get(tenant_path(isp, "/admin/staff/new")).get_data(as_text=True)
    assert '<select name="role" id="role"' in form
    response = admin.submit(tenant_path(isp, "/admin/staff/new"), {"login": "clerk", "role": "platform_admin"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="role-error">Выберите одну из предложенных ролей.' in html
    assert 'value="clerk"' in html  # what was typed is shown again
    assert admin.get(tenant_path(isp, "/admin/staff")).get_data(as_text=True).count("clerk") == 0
