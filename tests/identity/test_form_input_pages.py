"""The login and profile forms are read by schemas: bad input is a message next to the field, never a 500."""

import pytest

from core.testing.fixtures import tenant_path


@pytest.fixture
def tenant(make_tenant):
    return make_tenant("isp", login_identifier="contract")


def test_an_empty_login_form_says_which_fields_are_missing(app, tenant):
    response = app.test_client().submit(tenant_path(tenant, "/login"), {"login": "", "password": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="login-error">Обязательное поле.' in html and 'id="password-error">Обязательное поле.' in html
    assert "Номер договора" in html  # the login field keeps the tenant's label


def test_a_password_is_taken_exactly_as_typed(app, tenant, make_user):
    make_user(tenant, "100", password="Old-passw0rd")
    client = app.test_client()
    spaced = client.submit(tenant_path(tenant, "/login"), {"login": "100", "password": " Old-passw0rd "})
    assert spaced.status_code == 401
    typed = client.submit(tenant_path(tenant, "/login"), {"login": " 100 ", "password": "Old-passw0rd"})
    assert typed.status_code == 302  # the login itself is trimmed


def test_mismatched_new_passwords_are_a_field_error_and_change_nothing(app, tenant, make_user, login):
    user = make_user(tenant, "100", password="Old-passw0rd")
    client = login(tenant, user)
    response = client.submit(
        tenant_path(tenant, "/profile/password"),
        {"pw-current_password": "Old-passw0rd", "pw-new_password": "New-passw0rd", "pw-confirm": "Other-passw0rd"},
        form_url=tenant_path(tenant, "/profile"),
    )
    assert response.status_code == 400
    assert 'id="pw-confirm-error">Пароли не совпадают.' in response.get_data(as_text=True)
    ok = app.test_client().submit(tenant_path(tenant, "/login"), {"login": "100", "password": "Old-passw0rd"})
    assert ok.status_code == 302


def test_profile_form_shows_the_saved_details_and_keeps_what_was_typed_on_error(app, tenant, make_user, login):
    user = make_user(tenant, "100", full_name="Иванов Иван")
    client = login(tenant, user)
    page = client.get(tenant_path(tenant, "/profile")).get_data(as_text=True)
    assert 'value="Иванов Иван"' in page
    response = client.submit(
        tenant_path(tenant, "/profile"),
        {"full_name": "Петров Пётр", "phone": "9" * 41},
        form_url=tenant_path(tenant, "/profile"),
    )
    html = response.get_data(as_text=True)
    assert 'value="Петров Пётр"' in html and 'id="phone-error"' in html
    again = client.get(tenant_path(tenant, "/profile")).get_data(as_text=True)
    assert 'value="Иванов Иван"' in again
