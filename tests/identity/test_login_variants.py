"""Sites with several login forms (``login_variants``): tabs, and the right form for each subscriber."""

import pytest

from core.testing.fixtures import tenant_path
from tests.identity import variant_plugin


@pytest.fixture
def app_plugins():
    return [variant_plugin]


@pytest.fixture
def site(make_tenant, make_user, enable_plugin):
    tenant = make_tenant("variants-site", login_identifier="contract")
    enable_plugin(tenant, "variants")
    make_user(tenant, "1001", password="Home-pass-1")
    make_user(tenant, "w2002", password="Wifi-pass-1")
    return tenant


def test_login_page_shows_one_tab_per_variant_with_its_hint(client, site):
    page = client.get(tenant_path(site, "/login")).get_data(as_text=True)
    assert "Home internet" in page and "Wi-Fi" in page
    assert "Home hint" in page and "Wi-Fi hint" not in page
    wifi = client.get(tenant_path(site, "/login?as=wifi")).get_data(as_text=True)
    assert "Wi-Fi hint" in wifi and 'aria-current="page" class="active">Wi-Fi' in wifi


def test_a_subscriber_logs_in_through_the_form_of_their_category(client, site):
    response = client.submit(tenant_path(site, "/login?as=wifi"), {"login": "w2002", "password": "Wifi-pass-1"})
    assert response.status_code == 302


def test_the_wrong_form_refuses_and_names_the_right_one(client, site):
    response = client.submit(tenant_path(site, "/login?as=home"), {"login": "w2002", "password": "Wifi-pass-1"})
    assert response.status_code == 401
    assert "Wi-Fi" in response.get_data(as_text=True)
    assert client.get(tenant_path(site, "/profile")).status_code == 302  # not logged in


def test_without_the_plugin_the_site_has_one_form(client, make_tenant, make_user):
    tenant = make_tenant("plain-site", login_identifier="contract")
    make_user(tenant, "w3003", password="Plain-pass-1")
    page = client.get(tenant_path(tenant, "/login")).get_data(as_text=True)
    assert "Wi-Fi" not in page
    assert (
        client.submit(tenant_path(tenant, "/login"), {"login": "w3003", "password": "Plain-pass-1"}).status_code == 302
    )


def test_a_plain_login_without_a_chosen_form_accepts_every_subscriber(client, site):
    response = client.submit(tenant_path(site, "/login"), {"login": "w2002", "password": "Wifi-pass-1"})
    assert response.status_code == 302
