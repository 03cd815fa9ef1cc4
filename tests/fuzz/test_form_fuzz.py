"""Every form and POST route of the web shell, found by walking the route table, posted with boundary values.

Logged in as a subscriber and as the tenant's admin, with the CSRF token a browser would send.
Whatever the value (superscript digits, ids beyond any integer, 1e308, impossible days, NUL, a newline
in ``next``, 5,000 characters), the answer is never a 5xx.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.testing.fixtures import tenant_path
from tests.fuzz.values import BOUNDARY_TEXT
from tests.tenancy.world import populate

#: Routes that would end the session or leave the test client (sending to the network).
SKIP = {"identity.logout", "gateway.sandbox", "admin.plugin_toggle", "static"}
FORM_VALUES = [
    "²",
    "2147483648",
    "99999999999999999999999",
    "1e308",
    "9999-12-31",
    "2024-13-01",
    "0000-01",
    "a\x00b",
    "/\n/evil.example",
    "x" * 5000,
]
FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class Forms(HTMLParser):
    """The POST forms of a page: action → {field name: default value}."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, dict[str, str]] = {}
        self._current: dict[str, str] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            if attributes.get("method", "get").lower() == "post":
                self._current = self.forms.setdefault(attributes.get("action", ""), {})
            return
        if tag == "option" and self._current is not None and self._select is not None:
            if not self._current.get(self._select) or "selected" in attributes:
                self._current[self._select] = attributes.get("value", "")
            return
        if self._current is None or not attributes.get("name"):
            return
        name = attributes["name"]
        if tag == "select":
            self._select = name
            self._current.setdefault(name, "")
        elif tag in ("input", "textarea") and attributes.get("type") != "file":
            if attributes.get("type") in ("checkbox", "radio") and name in self._current:
                return
            self._current[name] = attributes.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None


def _url(tenant, rule, ids) -> str:
    def value(match):
        return str(ids.get(match.group(1), "faq" if match.group(1) == "name" else "x"))

    return tenant_path(tenant, re.sub(r"<(?:\w+:)?(\w+)>", value, rule.rule))


def _web_rules(app, method):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") or rule.endpoint in SKIP or rule.endpoint.endswith(".static"):
            continue
        if method in rule.methods:
            yield rule


def _check(response, described: str) -> None:
    assert response.status_code < 500, f"{response.status_code} for {described}"


#: Query parameters the pages read (pages, periods, filters, where to go next), all set at once.
QUERY_NAMES = ("page", "per_page", "from", "to", "period", "kind", "status", "q", "state", "next", "assignee")
QUERY_VALUES = ["9999-12-31", "²", "0000-01", "99999999999999999999999", "/\n/evil.example"]


def _walk(app, site, client) -> tuple[dict[str, dict[str, str]], str]:
    """Open every page (also with boundary query values); return its POST forms (by action) and the CSRF token."""
    forms: dict[str, dict[str, str]] = {}
    token = ""
    for rule in _web_rules(app, "GET"):
        url = _url(site.tenant, rule, site.ids)
        for shift in range(3):  # each parameter gets a different value in each round
            query = {name: QUERY_VALUES[(i + shift) % len(QUERY_VALUES)] for i, name in enumerate(QUERY_NAMES)}
            _check(client.get(url, query_string=query), f"GET {url} {query!r:.200}")
        response = client.get(url)
        _check(response, f"GET {url}")
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        parser = Forms()
        parser.feed(response.get_data(as_text=True))
        for action, fields in parser.forms.items():
            forms.setdefault(action or url, {}).update(fields)
        token = token or next((f["csrf_token"] for f in parser.forms.values() if f.get("csrf_token")), "")
    return forms, token


def _targets(app, site, forms) -> list[tuple[str, dict[str, str]]]:
    """Each POST route with the fields of its form (or every field name seen, when no page shows it)."""
    everything = {name: "" for fields in forms.values() for name in fields if name != "csrf_token"}
    targets = []
    for rule in _web_rules(app, "POST"):
        url = _url(site.tenant, rule, site.ids)
        fields = {name: value for name, value in forms.get(url, everything).items() if name != "csrf_token"}
        targets.append((url, fields))
    return targets


@pytest.fixture
def site(app, make_tenant, make_user, enable_plugin, monkeypatch):
    # Cheap hashes: the login and password forms are posted a dozen times each.
    for key, value in (("ARGON2_MEMORY_KIB", 1024), ("ARGON2_TIME_COST", 1), ("ARGON2_PARALLELISM", 1)):
        monkeypatch.setitem(app.config, key, value)
    return populate(app, make_tenant, make_user, enable_plugin, "forms")


@pytest.mark.parametrize("role", ["subscriber", "tenant_admin"])
def test_every_form_takes_boundary_values_without_a_server_error(app, site, login, role):
    client = login(site.tenant, site.users[role])
    forms, token = _walk(app, site, client)
    assert token, "no page had a form with a CSRF token"
    targets = _targets(app, site, forms)
    assert len(targets) >= 40

    def post(url: str, data: dict[str, str]) -> None:
        response = client.post(url, data={**data, "csrf_token": token})
        _check(response, f"POST {url} {data!r:.300}")

    for url, fields in targets:
        post(url, fields)  # the form as the page offers it
        for value in FORM_VALUES:
            post(url, dict.fromkeys(fields, value))

    @FUZZ
    @given(data=st.data())
    def mixed(data):
        url, fields = data.draw(st.sampled_from(targets), label="form")
        values = st.one_of(st.sampled_from(BOUNDARY_TEXT), st.text(max_size=20))
        drawn = {name: data.draw(st.one_of(st.just(default), values), label=name) for name, default in fields.items()}
        post(url, drawn)

    mixed()
