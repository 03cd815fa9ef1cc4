"""The Atom feed of public news: valid Atom, absolute links, RFC 3339 dates, public items only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree as ET

import pytest

from core.db import utcnow
from core.testing.fixtures import tenant_path
from tests.news import tariffs_plugin

A = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def app_plugins():
    return [tariffs_plugin]


def _parse(response) -> ET.Element:
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml" and response.mimetype_params.get("charset") == "utf-8"
    root = ET.fromstring(response.data)
    assert root.tag == f"{A}feed"
    return root


def _date(text: str) -> datetime:
    assert text.endswith("Z"), text
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_feed_lists_only_public_live_news_for_everyone(app, isp, enable_plugin, add_news, client):
    enable_plugin(isp, "tariffs")
    first = add_news("Первая новость", published_at=utcnow() - timedelta(days=1))
    second = add_news("Вторая & <новость>", body="Текст\x01 с управляющим символом")
    add_news("Для своих", public=False)
    add_news("Для тарифа", audience={"filter": "tariff", "value": "max"})
    add_news("Будущая", published_at=utcnow() + timedelta(days=1))
    add_news("Прошедшая", published_at=utcnow() - timedelta(days=2), expires_at=utcnow() - timedelta(days=1))

    app.config["BASE_URL"] = "https://cabinet.example"  # links carry the configured address, not the request's
    root = _parse(client.get(tenant_path(isp, "/news/feed.xml")))
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert root.findtext(f"{A}title") == "Уралсеть: news"
    assert root.findtext(f"{A}id") == "https://cabinet.example/t/isp/news/feed.xml"
    assert root.findtext(f"{A}author/{A}name") == "Уралсеть"
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{A}link")}
    assert links == {
        "self": "https://cabinet.example/t/isp/news/feed.xml",
        "alternate": "https://cabinet.example/t/isp/news/",
    }

    entries = root.findall(f"{A}entry")
    assert [e.findtext(f"{A}title") for e in entries] == ["Вторая & <новость>", "Первая новость"]
    newest = entries[0]
    assert newest.findtext(f"{A}id") == f"https://cabinet.example/t/isp/news/public/{second.id}"
    assert newest.find(f"{A}link").get("href") == f"https://cabinet.example/t/isp/news/public/{second.id}"
    assert newest.find(f"{A}content").get("type") == "text"
    assert newest.findtext(f"{A}content") == "Текст с управляющим символом"
    published = _date(newest.findtext(f"{A}published"))
    assert abs(published - second.published_at.astimezone(UTC)) < timedelta(seconds=1)
    assert _date(root.findtext(f"{A}updated")) == published
    assert _date(entries[1].findtext(f"{A}updated")) < published
    for entry in entries:  # RFC 4287: every entry has an id, a title, updated, and content or an alternate link
        assert entry.findtext(f"{A}id") and entry.findtext(f"{A}title") and entry.findtext(f"{A}updated")

    # The entry's link works for anyone.
    page = client.get(tenant_path(isp, f"/news/public/{first.id}"))
    assert page.status_code == 200 and "Первая новость" in page.get_data(as_text=True)


def test_empty_feed_is_still_valid(app, isp, client):
    root = _parse(client.get(tenant_path(isp, "/news/feed.xml")))
    assert root.findall(f"{A}entry") == [] and root.findtext(f"{A}updated")


def test_feed_is_per_tenant(app, isp, make_tenant, add_news, client):
    other = make_tenant("other", name="Другой")
    add_news("Новость Уралсети")
    root = _parse(client.get(tenant_path(other, "/news/feed.xml")))
    assert root.findall(f"{A}entry") == []
