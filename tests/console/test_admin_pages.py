"""The tenant admin area: subscribers with credentials sheets, staff roles, site settings, audit, outbox."""

import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.identity.passwords import PASSWORD_ALPHABET, generate_password
from core.jobs.registry import run_job
from core.testing.fixtures import tenant_path
from tests.html_forms import form_data

SHEET_PASSWORD = re.compile(r'data-testid="password">([^<]+)<')


@pytest.fixture
def isp(make_tenant):
    return make_tenant("isp", name="ISP", login_identifier="contract", contacts={"hotline": ["8 800 100-00-00"]})


@pytest.fixture
def operator(isp, make_user, login):
    return login(isp, make_user(isp, "operator", roles=("operator",)))


@pytest.fixture
def admin(isp, make_user, login):
    return login(isp, make_user(isp, "boss", roles=("tenant_admin",)))


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=6, max_value=20))
def test_generated_passwords_have_no_look_alikes(length):
    password = generate_password(length)
    assert len(password) == length
    assert set(password) <= set(PASSWORD_ALPHABET)
    assert not set(password) & set("0O1lI")
    assert any(c.isdigit() for c in password) and any(c.isalpha() for c in password)


def test_operator_creates_a_subscriber_and_prints_the_credentials_sheet(app, isp, operator):
    response = operator.submit(
        tenant_path(isp, "/admin/subscribers/new"), {"login": "77 001", "full_name": "Иванов И.И.", "email": ""}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    password = SHEET_PASSWORD.search(html).group(1)
    assert "77001" in html and "8 800 100-00-00" in html
    login = app.test_client().submit(tenant_path(isp, "/login"), {"login": "77001", "password": password})
    assert login.status_code == 302


def test_duplicate_login_is_a_form_error(app, isp, operator, make_user):
    make_user(isp, "77001")
    response = operator.submit(tenant_path(isp, "/admin/subscribers/new"), {"login": "77001"})
    assert response.status_code == 200 and 'aria-invalid="true"' in response.get_data(as_text=True)


def test_operator_resets_a_password_and_the_old_one_stops_working(app, isp, operator, make_user):
    user = make_user(isp, "77001", password="Old-passw0rd")
    sheet = operator.submit(
        tenant_path(isp, f"/admin/subscribers/{user.id}/password"),
        form_url=tenant_path(isp, f"/admin/subscribers/{user.id}"),
    )
    new_password = SHEET_PASSWORD.search(sheet.get_data(as_text=True)).group(1)
    client = app.test_client()
    assert client.submit(tenant_path(isp, "/login"), {"login": "77001", "password": "Old-passw0rd"}).status_code == 401
    assert client.submit(tenant_path(isp, "/login"), {"login": "77001", "password": new_password}).status_code == 302


def test_subscriber_search(app, isp, operator, make_user):
    make_user(isp, "77001", full_name="Иванов Иван")
    make_user(isp, "77002", full_name="Петров Пётр")
    page = operator.get(tenant_path(isp, "/admin/subscribers?q=петров")).get_data(as_text=True)
    assert "77002" in page and "77001" not in page


def test_staff_roles_are_changed_and_audited(app, isp, admin, make_user):
    clerk = make_user(isp, "clerk", roles=("operator",))
    url = tenant_path(isp, f"/admin/staff/{clerk.id}")
    assert admin.submit(url, {"roles": ["operator", "tenant_admin"]}).status_code == 302
    audit = admin.get(tenant_path(isp, "/admin/audit?action=role.")).get_data(as_text=True)
    assert 'title="role.assign"' in audit and "Роль: Администратор провайдера" in audit  # in words, not codes
    assert admin.submit(url, {"roles": ["tenant_admin"]}).status_code == 302
    assert "role.revoke" in admin.get(tenant_path(isp, "/admin/audit")).get_data(as_text=True)


def _settings_form(**changes):
    data = {
        "branding.primary_color": "#123456",
        "branding.accent_color": "#abcdef",
        "branding.tagline": "",
        "contacts.hotline": "8 800 200-00-00\n+7 351 000-00-00",
        "contacts.support_email": "help@isp.example",
        "legal.inn": "7707083893",
        "bank.bic": "044525225",
        "bank.account": "40702810938000000001",
        "bank.corr_account": "30101810400000000225",
    }
    data.update(changes)
    return data


def test_site_settings_are_saved_and_shown(app, isp, admin):
    response = admin.submit(tenant_path(isp, "/admin/settings"), _settings_form())
    assert response.status_code == 302
    page = app.test_client().get(tenant_path(isp, "/login")).get_data(as_text=True)
    assert "8 800 200-00-00" in page and "+7 351 000-00-00" in page
    assert "#123456" in app.test_client().get(tenant_path(isp, "/theme.css")).get_data(as_text=True)


def test_bad_bank_details_are_field_errors_and_nothing_is_saved(app, isp, admin):
    response = admin.submit(
        tenant_path(isp, "/admin/settings"),
        _settings_form(**{"bank.account": "40702810000000000001", "legal.inn": "1234567890"}),
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "key digit does not match" in html and "INN check digits" in html
    assert "8 800 200-00-00" not in app.test_client().get(tenant_path(isp, "/login")).get_data(as_text=True)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_logo_is_checked_by_content_not_by_name(app, isp, admin):
    url = tenant_path(isp, "/admin/settings")
    disguised = admin.submit(
        url,
        {**_settings_form(), "logo": (io.BytesIO(b"MZ\x90\x00 not an image"), "logo.png")},
        content_type="multipart/form-data",
    )
    assert disguised.status_code == 400
    assert app.test_client().get(tenant_path(isp, "/logo")).status_code == 404
    real = admin.submit(
        url, {**_settings_form(), "logo": (io.BytesIO(PNG), "whatever.txt")}, content_type="multipart/form-data"
    )
    assert real.status_code == 302
    logo = app.test_client().get(tenant_path(isp, "/logo"))
    assert logo.status_code == 200 and logo.mimetype == "image/png"


@pytest.mark.parametrize(
    "svg",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>',
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
    ],
)
def test_svg_logos_are_refused(app, isp, admin, svg):
    response = admin.submit(
        tenant_path(isp, "/admin/settings"),
        {**_settings_form(), "logo": (io.BytesIO(svg), "l.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and "PNG, JPEG, WebP" in response.get_data(as_text=True)
    assert app.test_client().get(tenant_path(isp, "/logo")).status_code == 404


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "image/jpeg"),
        (b"GIF89a" + b"\x00" * 64, "image/gif"),
        (b"RIFF\x40\x00\x00\x00WEBPVP8 " + b"\x00" * 64, "image/webp"),
    ],
)
def test_raster_logos_are_served_with_their_type_and_nosniff(app, isp, admin, data, mime):
    response = admin.submit(
        tenant_path(isp, "/admin/settings"),
        {**_settings_form(), "logo": (io.BytesIO(data), "logo.svg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    logo = app.test_client().get(tenant_path(isp, "/logo"))
    assert logo.mimetype == mime and logo.headers["X-Content-Type-Options"] == "nosniff"


def test_an_svg_stored_earlier_is_not_served(app, isp):
    from core.db import cross_tenant, session
    from core.tenants.models import Tenant

    with app.app_context(), cross_tenant():
        tenant = session.get(Tenant, isp.id)
        tenant.logo, tenant.logo_mime = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/svg+xml"
        session.commit()
    assert app.test_client().get(tenant_path(isp, "/logo")).status_code == 404


@pytest.mark.parametrize("field", ["contacts.chat_url", "contacts.feedback_url"])
@pytest.mark.parametrize(
    "address", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<b>x</b>", "ftp://x.example"]
)
def test_contact_links_accept_web_addresses_only(app, isp, admin, field, address):
    response = admin.submit(tenant_path(isp, "/admin/settings"), _settings_form(**{field: address}))
    assert response.status_code == 400 and "an http:// or https:// address" in response.get_data(as_text=True)
    assert address not in app.test_client().get(tenant_path(isp, "/login")).get_data(as_text=True)


def test_contact_links_keep_web_addresses(app, isp, admin):
    form = _settings_form(
        **{"contacts.chat_url": "https://isp.example/chat", "contacts.feedback_url": "http://isp.example/f"}
    )
    assert admin.submit(tenant_path(isp, "/admin/settings"), form).status_code == 302
    assert 'href="https://isp.example/chat"' in app.test_client().get(tenant_path(isp, "/login")).get_data(as_text=True)


def test_outbox_shows_queued_mail_to_admins(app, isp, admin, make_user, client):
    make_user(isp, "77001", email="ivanov@example.com")
    client.submit(tenant_path(isp, "/password/reset"), {"login": "77001"})
    run_job(app, "core.identity.reset_mail")  # the job worker turns the request into mail
    page = admin.get(tenant_path(isp, "/admin/outbox")).get_data(as_text=True)
    assert "ivanov@example.com" in page


def test_settings_saved_unchanged_keep_the_contact_links(app, make_tenant, make_user, login):
    links = [{"title": "Тарифы", "url": "https://isp.example/tariffs"}, {"title": "Карта", "url": "http://map.example"}]
    tenant = make_tenant(
        "linked", name="Linked", login_identifier="contract", contacts={"hotline": ["8 800 100-00-00"], "links": links}
    )
    admin = login(tenant, make_user(tenant, "boss", roles=("tenant_admin",)))
    page = admin.get(tenant_path(tenant, "/admin/settings")).get_data(as_text=True)
    assert "Тарифы | https://isp.example/tariffs" in page
    response = admin.post(tenant_path(tenant, "/admin/settings"), data=form_data(page))
    assert response.status_code == 302
    footer = app.test_client().get(tenant_path(tenant, "/login")).get_data(as_text=True)
    assert 'href="https://isp.example/tariffs"' in footer and "Карта" in footer


def test_a_contact_link_without_its_title_is_a_form_error(app, isp, admin):
    response = admin.submit(tenant_path(isp, "/admin/settings"), _settings_form(**{"contacts.links": "isp.example"}))
    assert response.status_code == 400
    assert "ссылка записывается так: название | адрес" in response.get_data(as_text=True)


def test_the_audit_log_and_the_outbox_page_back_to_the_first_entry(app, isp, admin):
    """Both lists grew past one page: the total is shown, the next page continues where the first stopped, and
    the audit filter stays on while paging."""
    from core.audit.models import AuditEvent
    from core.db import session, tenant_scope
    from core.mail.models import OutboxMessage

    with app.app_context(), tenant_scope(isp.id):
        session.add_all(AuditEvent(action=f"demo.step{n:03d}", object_type="demo") for n in range(130))
        session.add_all(AuditEvent(action="other.thing") for _ in range(5))
        session.add_all(OutboxMessage(to=f"r{n:03d}@example.com", subject="S", body_text="B") for n in range(105))
        session.commit()

    def steps(page: str) -> list[str]:
        return re.findall(r'title="demo\.step(\d{3})"', page)

    first = admin.get(tenant_path(isp, "/admin/audit?action=demo.")).get_data(as_text=True)
    assert steps(first) == [f"{n:03d}" for n in range(129, 29, -1)] and re.search(r"1–100\D+130", first)
    following = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = admin.get(following).get_data(as_text=True)
    assert steps(second) == [f"{n:03d}" for n in range(29, -1, -1)] and "other.thing" not in second

    mail = admin.get(tenant_path(isp, "/admin/outbox")).get_data(as_text=True)
    assert "r104@example.com" in mail and "r004@example.com" not in mail and re.search(r"1–100\D+105", mail)
    following = re.search(r'href="([^"]+)" rel="next"', mail).group(1).replace("&amp;", "&")
    assert "r004@example.com" in admin.get(following).get_data(as_text=True)
