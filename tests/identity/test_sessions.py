"""Sessions end on logout, on a password change (elsewhere), and when the user is blocked."""

import pytest

from core.testing.fixtures import tenant_path


@pytest.fixture
def tenant(make_tenant):
    return make_tenant("isp", login_identifier="contract")


def _logged_in(client, tenant) -> bool:
    return client.get(tenant_path(tenant, "/")).status_code == 200


def test_logout_revokes_the_session_even_if_the_cookie_is_replayed(app, tenant, make_user, login):
    user = make_user(tenant, "100")
    client = login(tenant, user)
    cookie = client.get_cookie("abonent_session_isp", path="/t/isp").value  # a path tenant's own cookie
    assert client.submit(tenant_path(tenant, "/logout"), form_url=tenant_path(tenant, "/")).status_code == 302
    assert not _logged_in(client, tenant)
    replay = app.test_client()
    replay.set_cookie("abonent_session_isp", cookie, path="/t/isp")
    assert not _logged_in(replay, tenant)


def test_password_change_logs_out_other_sessions_but_keeps_this_one(app, tenant, make_user, login):
    user = make_user(tenant, "100", password="Old-passw0rd")
    here, elsewhere = login(tenant, user), login(tenant, user)
    response = here.submit(
        tenant_path(tenant, "/profile/password"),
        {"pw-current_password": "Old-passw0rd", "pw-new_password": "New-passw0rd", "pw-confirm": "New-passw0rd"},
        form_url=tenant_path(tenant, "/profile"),
    )
    assert response.status_code == 302
    assert _logged_in(here, tenant)
    assert not _logged_in(elsewhere, tenant)


def test_wrong_current_password_is_a_form_error_and_changes_nothing(app, tenant, make_user, login):
    user = make_user(tenant, "100", password="Old-passw0rd")
    client = login(tenant, user)
    response = client.submit(
        tenant_path(tenant, "/profile/password"),
        {"pw-current_password": "nope", "pw-new_password": "New-passw0rd", "pw-confirm": "New-passw0rd"},
        form_url=tenant_path(tenant, "/profile"),
    )
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    fresh = app.test_client()
    ok = fresh.submit(tenant_path(tenant, "/login"), {"login": "100", "password": "Old-passw0rd"})
    assert ok.status_code == 302


def test_blocking_ends_web_sessions_and_api_tokens_at_once(app, tenant, make_user, login, api_token):
    user = make_user(tenant, "100")
    operator = make_user(tenant, "op", roles=("operator",))
    browser = login(tenant, user)
    token = api_token(tenant, user)
    staff = login(tenant, operator)
    response = staff.submit(
        tenant_path(tenant, f"/admin/subscribers/{user.id}/status"),
        {"status": "blocked"},
        form_url=tenant_path(tenant, f"/admin/subscribers/{user.id}"),
    )
    assert response.status_code == 302
    assert not _logged_in(browser, tenant)
    me = app.test_client().get(tenant_path(tenant, "/api/v1/me"), headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401
    again = app.test_client().submit(tenant_path(tenant, "/login"), {"login": "100", "password": user.password})
    assert again.status_code == 401
    assert "blocked" in again.get_data(as_text=True) or "заблокирован" in again.get_data(as_text=True)


def test_api_logout_revokes_the_token(app, tenant, make_user, api_token):
    user = make_user(tenant, "100")
    token = api_token(tenant, user)
    headers = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    assert client.post(tenant_path(tenant, "/api/v1/auth/logout"), headers=headers).status_code == 204
    assert client.get(tenant_path(tenant, "/api/v1/me"), headers=headers).status_code == 401


def test_deleted_account_cannot_log_in_and_looks_like_a_wrong_password(app, tenant, make_user, login):
    user = make_user(tenant, "100")
    operator = login(tenant, make_user(tenant, "op", roles=("operator",)))
    operator.submit(
        tenant_path(tenant, f"/admin/subscribers/{user.id}/status"),
        {"status": "deleted"},
        form_url=tenant_path(tenant, f"/admin/subscribers/{user.id}"),
    )
    response = app.test_client().submit(tenant_path(tenant, "/login"), {"login": "100", "password": user.password})
    assert response.status_code == 401
    assert "blocked" not in response.get_data(as_text=True) and "заблокирован" not in response.get_data(as_text=True)
