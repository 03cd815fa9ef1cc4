"""The admin's Payments page: the PayKeeper address and the notification secret, which is never shown back."""

import pytest

from core.db import session, tenant_scope
from core.settings.service import get_settings
from core.testing.fixtures import tenant_path

SECRET = "pk-Notify-S3cret-42"


@pytest.fixture
def isp(make_tenant):
    return make_tenant("isp", name="ISP")


@pytest.fixture
def admin(isp, make_user, login):
    return login(isp, make_user(isp, "boss@isp.example", roles=("tenant_admin",)))


def _stored(app, tenant) -> dict:
    with app.app_context(), tenant_scope(tenant.id):
        return get_settings("payments.paykeeper")


def _form(**changes) -> dict:
    data = {
        "enabled": "y",
        "server_url": "https://isp.server.paykeeper.ru",
        "secret": "",
        "service_name": "Оплата услуг связи",
        "min_amount": "100",
        "max_amount": "15000000",
    }
    data.update(changes)
    return data


def test_the_page_is_in_the_admin_menu_in_russian(app, isp, admin):
    page = admin.get(tenant_path(isp, "/admin/settings/payments"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Адрес PayKeeper" in html and "Секрет для уведомлений" in html
    assert "/payments/paykeeper/notify" in html
    assert 'href="/t/isp/admin/settings/payments"' in admin.get(tenant_path(isp, "/admin/settings")).get_data(
        as_text=True
    )


def test_address_and_secret_are_saved_and_the_secret_is_never_shown_back(app, isp, admin):
    url = tenant_path(isp, "/admin/settings/payments")
    assert admin.submit(url, _form(secret=SECRET)).status_code == 302
    stored = _stored(app, isp)
    assert stored["server_url"] == "https://isp.server.paykeeper.ru" and stored["secret"] == SECRET
    page = admin.get(url).get_data(as_text=True)
    assert SECRET not in page and "Секрет сохранён" in page
    audit = admin.get(tenant_path(isp, "/admin/audit")).get_data(as_text=True)
    assert "settings.change" in audit and SECRET not in audit


def test_an_empty_secret_keeps_the_stored_one(app, isp, admin):
    url = tenant_path(isp, "/admin/settings/payments")
    admin.submit(url, _form(secret=SECRET))
    assert admin.submit(url, _form(server_url="https://new.server.paykeeper.ru")).status_code == 302
    stored = _stored(app, isp)
    assert stored["server_url"] == "https://new.server.paykeeper.ru" and stored["secret"] == SECRET
    assert admin.submit(url, _form(secret="pk-Another-1")).status_code == 302
    assert _stored(app, isp)["secret"] == "pk-Another-1"


def test_a_bad_address_is_a_field_error_and_nothing_is_saved(app, isp, admin):
    url = tenant_path(isp, "/admin/settings/payments")
    response = admin.submit(url, _form(server_url="javascript:alert(1)", secret=SECRET))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'aria-invalid="true"' in html and SECRET not in html
    assert _stored(app, isp)["secret"] == ""
    with app.app_context(), tenant_scope(isp.id):
        from sqlalchemy import select

        from core.settings.models import TenantSettings

        assert session.scalar(select(TenantSettings)) is None


def test_operators_do_not_open_it(app, isp, make_user, login):
    operator = login(isp, make_user(isp, "op@isp.example", roles=("operator",)))
    assert operator.get(tenant_path(isp, "/admin/settings/payments")).status_code == 403
