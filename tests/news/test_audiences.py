"""News for an audience a plugin offers through ``news_audiences`` (the test plugin: tariffs)."""

from __future__ import annotations

import pytest

from core.db import session, tenant_scope
from core.jobs.registry import run_job
from core.news.models import NewsItem
from core.testing.fixtures import tenant_path
from tests.news import tariffs_plugin
from tests.news.support import notices_of


@pytest.fixture
def app_plugins():
    return [tariffs_plugin]


@pytest.fixture
def tariffs(isp, enable_plugin):
    enable_plugin(isp, "tariffs")


@pytest.fixture
def max_subscriber(isp, make_user):
    return make_user(isp, "petrov@isp.example", full_name="Петров [max]")


def _item(app, tenant) -> NewsItem:
    with app.app_context(), tenant_scope(tenant.id):
        item = session.query(NewsItem).one()
        session.expunge(item)
    return item


def test_operator_addresses_news_to_an_audience_and_only_it_reads_it(
    app, isp, tariffs, operator, subscriber, max_subscriber, login
):
    staff = login(isp, operator)
    form = staff.get(tenant_path(isp, "/admin/news/new")).get_data(as_text=True)
    assert '<label for="audience">Audience</label>' in form
    assert '<option value="tariff:max">Tariff: Maximum</option>' in form
    response = staff.submit(
        tenant_path(isp, "/admin/news/new"),
        {
            "title": "Только для «Максимум»",
            "body": "Подарок.",
            "public": "y",
            "audience": "tariff:max",
            "important": "y",
        },
    )
    assert response.status_code == 302
    item = _item(app, isp)
    assert item.audience == {"filter": "tariff", "value": "max"}
    assert item.public is False  # news for an audience is never public

    member, outsider = login(isp, max_subscriber), login(isp, subscriber)
    assert "Только для «Максимум»" in member.get(tenant_path(isp, "/news/")).get_data(as_text=True)
    assert "news-banner" in member.get(tenant_path(isp, "/")).get_data(as_text=True)
    assert member.get(tenant_path(isp, f"/news/{item.id}")).status_code == 200
    assert "Только для «Максимум»" not in outsider.get(tenant_path(isp, "/news/")).get_data(as_text=True)
    assert "news-banner" not in outsider.get(tenant_path(isp, "/")).get_data(as_text=True)
    assert outsider.get(tenant_path(isp, f"/news/{item.id}")).status_code == 404
    assert "Tariff: Maximum" in staff.get(tenant_path(isp, "/admin/news")).get_data(as_text=True)
    assert app.test_client().get(tenant_path(isp, f"/news/public/{item.id}")).status_code == 404

    assert run_job(app, "core.news.notify")["notified"] == 1
    assert run_job(app, "core.news.notify")["notified"] == 0
    assert [n.title for n in notices_of(app, isp, max_subscriber)] == ["Только для «Максимум»"]
    assert notices_of(app, isp, subscriber) == []


def test_an_audience_not_offered_is_refused(app, isp, tariffs, operator, login):
    staff = login(isp, operator)
    response = staff.submit(tenant_path(isp, "/admin/news/new"), {"title": "T", "body": "B", "audience": "tariff:gold"})
    assert response.status_code == 200 and 'class="error"' in response.get_data(as_text=True)


def test_without_the_plugin_audience_news_reaches_nobody_but_staff(
    app, isp, tariffs, operator, max_subscriber, login, disable_plugin
):
    login(isp, operator).submit(
        tenant_path(isp, "/admin/news/new"), {"title": "Для «Максимум»", "body": "B", "audience": "tariff:max"}
    )
    disable_plugin(isp, "tariffs")
    member = login(isp, max_subscriber)
    assert "Для «Максимум»" not in member.get(tenant_path(isp, "/news/")).get_data(as_text=True)
    assert run_job(app, "core.news.notify")["notified"] == 0
    staff = login(isp, operator)
    assert "Для «Максимум»" in staff.get(tenant_path(isp, "/news/")).get_data(as_text=True)
    # Saving the item again keeps its audience (it is not silently widened to everyone).
    item = _item(app, isp)
    staff.submit(
        tenant_path(isp, f"/admin/news/{item.id}"), {"title": "Исправлено", "body": "B", "audience": "tariff:max"}
    )
    assert _item(app, isp).audience == {"filter": "tariff", "value": "max"}
    assert _item(app, isp).title == "Исправлено"


def test_plugin_kinds_are_in_the_notification_settings(app, isp, tariffs, subscriber, login):
    page = login(isp, subscriber).get(tenant_path(isp, "/notifications/settings")).get_data(as_text=True)
    assert "Tariff changed" in page and 'value="tariff_changed"' in page
