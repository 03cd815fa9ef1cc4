"""A connection request from the public site lands in the operators' queue as its own category."""

from __future__ import annotations

from sqlalchemy import func, select

from core.testing.fixtures import tenant_path

FORM = {"name": "Сидоров Пётр", "phone": "+7 (351) 255-57-24", "address": "г. Копейск, ул. Ленина, д. 7, кв. 3"}


def tickets(app, tenant) -> list:
    from core.db import session, tenant_scope
    from core.support.models import Ticket

    with app.app_context(), tenant_scope(tenant.id):
        return [
            (t.category, t.subject, t.source, t.messages[0].body)
            for t in session.scalars(select(Ticket).order_by(Ticket.id))
        ]


def test_the_form_opens_without_login_in_russian(app, client, make_tenant):
    tenant = make_tenant("isp", locale="ru")
    page = client.get(tenant_path(tenant, "/connect/"))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Подключить дом" in html and 'name="phone"' in html and 'name="csrf_token"' in html
    assert "/connect/" not in client.get(tenant_path(tenant, "/login")).get_data(as_text=True)  # not an ISP
    from core.db import session, tenant_scope
    from core.plugins.enablement import enable_plugin

    with app.app_context(), tenant_scope(tenant.id):
        enable_plugin(session.merge(tenant), "isp")
        session.commit()
    login_page = client.get(tenant_path(tenant, "/login")).get_data(as_text=True)
    assert "/connect/" in login_page and "Проверьте, можно ли подключить ваш адрес" in login_page  # the ISP's link


def test_a_request_lands_in_the_queue_as_a_connection_request(app, client, make_tenant, make_user, login):
    tenant = make_tenant("isp", locale="ru")
    response = client.submit(tenant_path(tenant, "/connect/"), FORM | {"comment": "Частный дом"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/connect/thanks")
    assert "перезвоним" in client.get(response.headers["Location"]).get_data(as_text=True)
    [(category, subject, source, body)] = tickets(app, tenant)
    assert category == "connection" and source == "public:connection"
    assert "Копейск" in subject and "+7 (351) 255-57-24" in body and "Сидоров Пётр" in body and "Частный дом" in body
    operator = login(tenant, make_user(tenant, "olga@isp.example", roles=("operator",)))
    queue = operator.get(tenant_path(tenant, "/admin/support/?category=connection")).get_data(as_text=True)
    assert "Копейск" in queue and "Заявка на подключение" in queue


def test_the_site_user_that_authors_requests_cannot_log_in(app, client, make_tenant):
    from core.support.connection import SITE_LOGIN

    tenant = make_tenant("isp")
    client.submit(tenant_path(tenant, "/connect/"), FORM)
    response = client.submit(tenant_path(tenant, "/login"), {"login": SITE_LOGIN, "password": "anything"})
    assert response.status_code != 302


def test_bad_input_is_explained_and_files_nothing(app, client, make_tenant):
    tenant = make_tenant("isp", locale="ru")
    for bad in ({"phone": "12"}, {"phone": "call me maybe"}, {"address": "x"}, {"name": ""}, {"name": "a\x01b"}):
        response = client.submit(tenant_path(tenant, "/connect/"), FORM | bad)
        assert response.status_code == 400, bad
        assert "исправьте" in response.get_data(as_text=True)
    assert tickets(app, tenant) == []


def test_without_the_csrf_token_nothing_is_filed(app, client, make_tenant):
    tenant = make_tenant("isp")
    assert client.post(tenant_path(tenant, "/connect/"), data=FORM).status_code == 400
    assert tickets(app, tenant) == []


def test_a_bot_filling_the_hidden_field_is_thanked_and_ignored(app, client, make_tenant):
    tenant = make_tenant("isp")
    response = client.submit(tenant_path(tenant, "/connect/"), FORM | {"website": "http://spam.example"})
    assert response.status_code == 302
    assert tickets(app, tenant) == []


def test_one_address_may_send_a_few_requests_then_waits(app, client, make_tenant):
    tenant = make_tenant("isp", locale="ru")
    url = tenant_path(tenant, "/connect/")
    for _ in range(5):
        assert client.submit(url, FORM, environ_base={"REMOTE_ADDR": "198.51.100.9"}).status_code == 302
    refused = client.submit(url, FORM, environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert refused.status_code == 429 and "Попробуйте" in refused.get_data(as_text=True)
    assert client.submit(url, FORM, environ_base={"REMOTE_ADDR": "198.51.100.10"}).status_code == 302
    assert len(tickets(app, tenant)) == 6


def test_a_request_stays_with_its_own_provider(app, client, make_tenant):
    from core.db import session, tenant_scope
    from core.support.models import Ticket

    first, second = make_tenant("isp"), make_tenant("other")
    client.submit(tenant_path(first, "/connect/"), FORM)
    assert len(tickets(app, first)) == 1 and tickets(app, second) == []
    with app.app_context(), tenant_scope(second.id):
        assert session.scalar(select(func.count()).select_from(Ticket)) == 0
