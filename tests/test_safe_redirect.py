"""Every ``next`` stays on the site, read the way a browser reads the redirect (issue #10, finding 3)."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest

from core.testing.web import _CSRF

SITE = "http://acme.localhost"

HOSTILE = [
    "//evil.example",
    "///evil.example",
    "/\t/evil.example",  # next=/%09/evil.example: the browser drops the tab and sees //evil.example
    "/\n/evil.example",
    "/\r/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/\\evil.example",  # backslashes are slashes to a browser
    "\\/evil.example",
    "\\\\evil.example",
    "/\t\\evil.example",
    "\x00//evil.example",
    "/\x00/evil.example",
    "https://evil.example/",
    "http:evil.example",
    "https:/evil.example",
    "javascript:alert(1)",
    "evil.example",
    "",
]


def _browser_target(location: str, page: str) -> str:
    """Where a browser goes for ``Location: location`` received on ``page``: its host."""
    cleaned = re.sub(r"[\t\n\r]", "", location).strip("\x00 ").replace("\\", "/")
    return urlsplit(urljoin(page, cleaned)).netloc


@pytest.fixture
def acme(app, make_tenant, make_user):
    """A host-based site (``acme.localhost``) and a subscriber with two personal accounts."""
    from core.accounts.service import grant_access, open_account
    from core.db import session, tenant_scope
    from core.identity.models import User

    tenant = make_tenant("acme")
    user = make_user(tenant, "ann@example.com")
    with app.app_context(), tenant_scope(tenant.id):
        for number in ("1001", "1002"):
            account = open_account(number, holder_name="Ann")
            grant_access(session.get(User, user.id), account)
        session.commit()
        user.second_account_id = account.id
    return user


def _post(client, url: str, data: dict, form_url: str = "/"):
    token = _CSRF.search(client.get(form_url, base_url=SITE).get_data(as_text=True)).group(1)
    return client.post(url, data={**data, "csrf_token": token}, base_url=SITE)


@pytest.mark.parametrize("target", HOSTILE)
def test_login_never_sends_the_browser_off_the_site(app, acme, target):
    client = app.test_client()
    token = _CSRF.search(client.get("/login", base_url=SITE).get_data(as_text=True)).group(1)
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"login": acme.login, "password": acme.password, "csrf_token": token},
        base_url=SITE,
    )
    if "\x00" in target:  # the app refuses a NUL anywhere in a request before any view runs
        assert response.status_code == 400
        return
    assert response.status_code == 302
    assert _browser_target(response.headers["Location"], SITE + "/login") == "acme.localhost"


def test_every_next_form_uses_the_same_check(app, acme):
    """The account switcher and the language switch refuse what the login refuses."""
    client = app.test_client()
    token = _CSRF.search(client.get("/login", base_url=SITE).get_data(as_text=True)).group(1)
    client.post("/login", data={"login": acme.login, "password": acme.password, "csrf_token": token}, base_url=SITE)
    forms = [
        ("/money/switch", {"account_id": str(acme.second_account_id)}),  # the account switcher
        ("/language", {"lang": "en"}),
    ]
    for url, data in forms:
        for target in HOSTILE:
            response = _post(client, url, {**data, "next": target})
            if "\x00" in target:  # refused before any view runs
                assert response.status_code == 400, (url, target)
                continue
            assert response.status_code == 302, (url, target)
            assert _browser_target(response.headers["Location"], SITE + url) == "acme.localhost", (url, target)
        kept = _post(client, url, {**data, "next": "/money/history?page=2"})
        assert kept.headers["Location"] == "/money/history?page=2", url


def test_a_path_on_a_path_routed_site_keeps_its_prefix(app, acme):
    client = app.test_client()
    token = _CSRF.search(client.get("/t/acme/login").get_data(as_text=True)).group(1)
    response = client.post(
        "/t/acme/login",
        query_string={"next": "/money/history?page=2"},
        data={"login": acme.login, "password": acme.password, "csrf_token": token},
    )
    assert response.headers["Location"] == "/t/acme/money/history?page=2"
