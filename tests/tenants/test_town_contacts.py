"""Contacts per town: a provider in several towns shows a town selector and that town's contact centre."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.testing.fixtures import tenant_path

TOWNS = [
    {"name": "Челябинск", "hotline": ["+7 351 255-57-24"], "address": "ул. Примерная, 1", "office_hours": "пн–пт 9–18"},
    {"name": "Копейск", "hotline": ["+7 35139 0-00-11", "+7 35139 0-00-12"], "address": "", "office_hours": ""},
]


@pytest.fixture
def isp(make_tenant):
    return make_tenant("isp", locale="ru", contacts={"hotline": ["8 800 555-20-11"], "towns": TOWNS})


def test_the_public_page_offers_the_towns_and_shows_the_chosen_ones_centre(client, isp):
    page = client.get(tenant_path(isp, "/contacts")).get_data(as_text=True)
    assert '<select name="town"' in page and ">Челябинск</option>" in page and ">Копейск</option>" in page
    assert "8 800 555-20-11" in page and "+7 351 255-57-24" not in page  # no town chosen yet
    chosen = client.get(tenant_path(isp, "/contacts"), query_string={"town": "Копейск"})
    html = chosen.get_data(as_text=True)
    assert chosen.status_code == 200
    assert "Контактный центр: Копейск" in html and "+7 35139 0-00-11" in html and "+7 35139 0-00-12" in html
    assert "+7 351 255-57-24" not in html and 'href="tel:+73513900011"' in html


def test_an_unknown_town_says_so_instead_of_failing(client, isp):
    response = client.get(tenant_path(isp, "/contacts"), query_string={"town": "<script>x</script>" * 20})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Выберите город из списка" in html and "<script>x" not in html


def test_every_page_links_to_the_town_contacts_when_there_are_towns(client, isp, make_tenant):
    assert 'href="/t/isp/contacts"' in client.get(tenant_path(isp, "/login")).get_data(as_text=True)
    single = make_tenant("single", contacts={"hotline": ["8 800 000-00-00"]})
    assert 'href="/t/single/contacts"' not in client.get(tenant_path(single, "/login")).get_data(as_text=True)


def test_the_admin_writes_a_town_per_line(app, isp, make_user, login):
    from core.db import cross_tenant, session
    from core.tenants.models import Tenant

    admin = login(isp, make_user(isp, "boss@isp.example", roles=("tenant_admin",)))
    url = tenant_path(isp, "/admin/settings")
    form = admin.get(url).get_data(as_text=True)
    assert "Копейск | +7 35139 0-00-11, +7 35139 0-00-12" in form
    lines = "Миасс | +7 3513 50-00-22 | пр. Автозаводцев, 1 | круглосуточно\nЗлатоуст"
    data = {"contacts.hotline": "8 800 555-20-11", "contacts.towns": lines, "bank.bic": "", "legal.inn": ""}
    assert admin.submit(url, data).status_code == 302
    with app.app_context(), cross_tenant():
        towns = session.get(Tenant, isp.id).contacts["towns"]
    assert towns == [
        {
            "name": "Миасс",
            "hotline": ["+7 3513 50-00-22"],
            "address": "пр. Автозаводцев, 1",
            "office_hours": "круглосуточно",
        },
        {"name": "Златоуст", "hotline": [], "address": "", "office_hours": ""},
    ]
    refused = admin.submit(url, data | {"contacts.towns": "Миасс\nмиасс"})
    assert refused.status_code == 400
    refused = admin.submit(url, data | {"contacts.towns": "a | b | c | d | e"})
    assert refused.status_code == 400


def test_the_demo_tenant_file_has_towns():
    import tomllib

    from core.tenants.schemas import ContactsSchema

    data = tomllib.loads(Path("tenants/uralnet.toml").read_text(encoding="utf-8"))
    towns = ContactsSchema().load(data["contacts"])["towns"]
    assert [town["name"] for town in towns] == ["Челябинск", "Копейск", "Миасс"]


def test_a_half_written_town_list_is_a_field_error_not_a_failure(isp, make_user, login):
    admin = login(isp, make_user(isp, "boss2@isp.example", roles=("tenant_admin",)))
    url = tenant_path(isp, "/admin/settings")
    for lines in ("Миасс\n | +7 000", "x" * 5000, "Миасс | a\x00b", "Миасс | 1 | 2 | 3 | 4"):
        response = admin.submit(url, {"contacts.towns": lines, "bank.bic": "", "legal.inn": ""})
        assert response.status_code == 400, lines
