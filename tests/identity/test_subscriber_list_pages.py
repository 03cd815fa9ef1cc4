"""The operator's list of subscribers pages by keyset in every sort order, with the total, in Russian too."""

from __future__ import annotations

import re

import pytest

from core.testing.fixtures import tenant_path
from core.testing.web import link_by_rel


@pytest.fixture
def isp(make_tenant):
    return make_tenant("isp", login_identifier="contract", locale="en")


def _logins(page: str) -> list[str]:
    return re.findall(r'/admin/subscribers/\d+">(\d+)</a>', page)


def _walk(client, url: str) -> tuple[list[str], list[str]]:
    """Every login of the list, page by page, and each page's "x–y of n" line."""
    logins, counts = [], []
    while url:
        page = client.get(url).get_data(as_text=True)
        logins += _logins(page)
        counts += re.findall(r"\d+–\d+ (?:of|из) \d+", page)
        url = link_by_rel(page, "next")
    return logins, counts


def test_every_sort_order_pages_through_all_subscribers(app, isp, make_user, login):
    names = ["Petrov", "Ivanov", "Sidorov"]
    users = [make_user(isp, f"{100_000 + n}", full_name=names[n % 3]) for n in range(60)]
    operator = login(isp, make_user(isp, "op", roles=("operator",)))
    base = tenant_path(isp, "/admin/subscribers")

    newest, counts = _walk(operator, base)
    assert newest == [u.login for u in reversed(users)] and counts == ["1–50 of 60", "51–60 of 60"]
    by_login, _counts = _walk(operator, f"{base}?sort=login")
    assert by_login == sorted(u.login for u in users)
    by_name, _counts = _walk(operator, f"{base}?sort=name")  # twenty of each name: the id decides among them
    assert by_name == [u.login for u in sorted(users, key=lambda u: (u.full_name, u.id))]
    found, counts = _walk(operator, f"{base}?q=ivanov&sort=name")
    assert len(found) == 20 and counts == ["1–20 of 20"]


def test_the_pager_speaks_russian(app, make_tenant, make_user, login):
    tenant = make_tenant("ru-isp", login_identifier="contract", locale="ru")
    for n in range(55):
        make_user(tenant, f"{200_000 + n}")
    operator = login(tenant, make_user(tenant, "op", roles=("operator",)))
    page = operator.get(tenant_path(tenant, "/admin/subscribers")).get_data(as_text=True)
    assert "1–50 из 55" in page and "Далее" in page and " of " not in page
    second = operator.get(link_by_rel(page, "next")).get_data(as_text=True)
    assert "51–55 из 55" in second and "Назад" in second and len(_logins(second)) == 5
