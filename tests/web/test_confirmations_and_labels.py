"""Issue #12 point 12 (core pages): one "Тема" on the new-ticket form, deleting an account is a separate,
confirmed step away from "Заблокировать доступ", and every page carries a local favicon."""

import re

import pytest

from core.testing.fixtures import tenant_path


@pytest.fixture
def site(make_tenant):
    return make_tenant("labels", login_identifier="contract", locale="ru")


def test_the_new_ticket_form_has_one_field_called_tema(site, make_user, login):
    client = login(site, make_user(site, "100200"))
    page = client.get(tenant_path(site, "/support/new")).get_data(as_text=True)
    labels = [
        re.sub(r"<[^>]+>|\s+", " ", label).strip() for label in re.findall(r"<label[^>]*>(.*?)</label>", page, re.S)
    ]
    assert labels.count("Тема") == 1, labels
    assert "Раздел" in labels


def test_deleting_an_account_is_apart_from_blocking_and_confirmed(site, make_user, login):
    staff = login(site, make_user(site, "operator", roles=("operator",)))
    subscriber = make_user(site, "100300")
    page = staff.get(tenant_path(site, f"/admin/subscribers/{subscriber.id}")).get_data(as_text=True)
    block_form = next(f for f in re.findall(r"<form.*?</form>", page, re.S) if 'value="blocked"' in f)
    assert "Заблокировать доступ" in block_form and 'value="deleted"' not in block_form
    confirm = re.search(r'<details class="confirm[^"]*" data-testid="delete-account">(.*?)</details>', page, re.S)
    assert confirm, "the delete button is not behind a confirmation step"
    assert "<summary" in confirm.group(1) and 'value="deleted"' in confirm.group(1)
    assert "Да, удалить учётную запись" in confirm.group(1)


def test_pages_have_a_local_favicon(site, app):
    client = app.test_client()
    page = client.get(tenant_path(site, "/login")).get_data(as_text=True)
    icon = re.search(r'<link rel="icon"[^>]*href="([^"]+)"', page)
    assert icon and icon.group(1).startswith("/") and "//" not in icon.group(1)
    response = client.get(icon.group(1))
    assert response.status_code == 200 and b"<svg" in response.data


def test_staff_see_the_time_zone_as_a_city_not_an_id(make_tenant, make_user, login):
    """Issue #12 point 5: no time-zone ids on Russian pages."""
    site = make_tenant("zone", login_identifier="contract", timezone="Asia/Yekaterinburg", locale="ru")
    staff = login(site, make_user(site, "boss", roles=("tenant_admin",)))
    page = staff.get(tenant_path(site, "/admin/news/new")).get_data(as_text=True)
    assert "Часовой пояс: Екатеринбург" in page and "Asia/" not in page
