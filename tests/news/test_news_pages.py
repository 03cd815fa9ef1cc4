"""News in the cabinet: publishing and scheduling, unread markers, the important banner, notifying readers."""

from __future__ import annotations

import re
from datetime import timedelta

from core.db import session, tenant_scope, utcnow
from core.jobs.registry import run_job
from core.news.models import NewsItem
from core.testing.fixtures import tenant_path
from tests.news.support import notices_of


def _page(client, tenant, path="/news/"):
    response = client.get(tenant_path(tenant, path))
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _only_item(app, tenant) -> NewsItem:
    with app.app_context(), tenant_scope(tenant.id):
        item = session.query(NewsItem).one()
        session.expunge(item)
    return item


def test_operator_publishes_and_subscriber_sees_it_unread_until_opened(app, isp, operator, subscriber, login):
    staff = login(isp, operator)
    form = staff.get(tenant_path(isp, "/admin/news/new")).get_data(as_text=True)
    assert 'for="title"' in form and 'for="body"' in form and 'for="published_at"' in form
    assert 'name="audience"' in form and "<select" not in form  # no plugin offers an audience: everyone
    response = staff.submit(
        tenant_path(isp, "/admin/news/new"),
        {"title": "Новый тариф «Макс»", "body": "Скорость до 1 Гбит/с.\n\nС 1 декабря.", "public": "y"},
    )
    assert response.status_code == 302
    assert "Новый тариф «Макс»" in _page(staff, isp, "/admin/news")
    item = _only_item(app, isp)
    assert item.public and not item.important and item.audience == {} and item.author_id == operator.id

    reader = login(isp, subscriber)
    listing = _page(reader, isp)
    assert "Новый тариф «Макс»" in listing and "Unread" in listing
    opened = _page(reader, isp, f"/news/{item.id}")
    assert "<p>Скорость до 1 Гбит/с.</p>" in opened and "<p>С 1 декабря.</p>" in opened
    assert "Unread" not in _page(reader, isp)
    assert _page(reader, isp, f"/news/{item.id}")  # opening it again changes nothing


def test_the_form_refuses_an_expiry_before_publication(app, isp, operator, login):
    staff = login(isp, operator)
    response = staff.submit(
        tenant_path(isp, "/admin/news/new"),
        {"title": "T", "body": "B", "published_at": "2030-01-02T10:00", "expires_at": "2030-01-01T10:00"},
    )
    assert response.status_code == 200 and 'class="error"' in response.get_data(as_text=True)
    with app.app_context(), tenant_scope(isp.id):
        assert session.query(NewsItem).count() == 0


def test_publish_time_is_the_providers_local_time(app, isp, operator, login):
    staff = login(isp, operator)
    staff.submit(tenant_path(isp, "/admin/news/new"), {"title": "T", "body": "B", "published_at": "2030-01-02T10:00"})
    item = _only_item(app, isp)
    assert item.published_at.isoformat() == "2030-01-02T05:00:00+00:00"  # Asia/Yekaterinburg is UTC+5
    edit = _page(staff, isp, f"/admin/news/{item.id}")
    assert 'value="2030-01-02T10:00"' in edit


def test_scheduled_news_appears_at_its_time(app, isp, subscriber, login, add_news, clock):
    add_news("Плановые работы", published_at=utcnow() + timedelta(hours=2))
    reader = login(isp, subscriber)
    assert "Плановые работы" not in _page(reader, isp)
    clock(hours=3)
    assert "Плановые работы" in _page(reader, isp)


def test_expired_news_is_no_longer_shown(app, isp, subscriber, login, add_news, clock):
    add_news("Акция", expires_at=utcnow() + timedelta(hours=1))
    reader = login(isp, subscriber)
    assert "Акция" in _page(reader, isp)
    clock(hours=2)
    assert "Акция" not in _page(reader, isp)


def test_important_news_is_a_banner_on_every_page_until_dismissed(app, isp, subscriber, login, add_news):
    item = add_news("Авария на линии", important=True)
    reader = login(isp, subscriber)
    for path in ("/", "/profile", "/notifications"):
        page = _page(reader, isp, path)
        assert "news-banner" in page and "Авария на линии" in page, path
    response = reader.submit(
        tenant_path(isp, f"/news/{item.id}/read"), {"next": "/profile"}, form_url=tenant_path(isp, "/")
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/t/isp/profile")
    assert "Авария на линии" not in _page(reader, isp, "/")
    listing = _page(reader, isp)
    assert "Авария на линии" in listing and "Unread" not in listing  # dismissed = read


def test_the_header_counts_unread_notices_whether_or_not_a_banner_is_shown(app, isp, subscriber, login, add_news):
    from core.identity.models import User
    from core.notify.service import notify

    def header_count(page: str) -> int:
        badge = re.search(r'href="/t/isp/notifications"[^>]*>Notifications(?: <span class="badge[^"]*">(\d+))?', page)
        assert badge, "no notifications link in the header"
        return int(badge.group(1) or 0)

    with app.app_context(), tenant_scope(isp.id):
        for n in range(3):
            notify(session.get(User, subscriber.id), "low_balance", f"Notice {n}", tenant=session.merge(isp))
        session.commit()
    reader = login(isp, subscriber)
    assert header_count(_page(reader, isp, "/")) == 3  # no banner
    first, second = add_news("Авария", important=True), add_news("Ремонт", important=True)
    page = _page(reader, isp, "/")
    assert "Авария" in page and "Ремонт" in page and header_count(page) == 3  # two banners, the count once
    for item in (first, second):
        reader.submit(tenant_path(isp, f"/news/{item.id}/read"), {"next": "/"}, form_url=tenant_path(isp, "/"))
    page = _page(reader, isp, "/")
    assert "news-banner" not in page and header_count(page) == 3


def test_opening_important_news_also_ends_its_banner(app, isp, subscriber, login, add_news):
    item = add_news("Авария", important=True)
    reader = login(isp, subscriber)
    assert "news-banner" in _page(reader, isp, "/")
    _page(reader, isp, f"/news/{item.id}")
    assert "news-banner" not in _page(reader, isp, "/")


def test_important_banner_ends_when_the_news_expires(app, isp, subscriber, login, add_news, clock):
    add_news("Работы до утра", important=True, expires_at=utcnow() + timedelta(hours=6))
    reader = login(isp, subscriber)
    assert "Работы до утра" in _page(reader, isp, "/")
    clock(hours=7)
    assert "news-banner" not in _page(reader, isp, "/")


def test_dismissing_needs_the_csrf_token(app, isp, subscriber, login, add_news):
    item = add_news("Авария", important=True)
    reader = login(isp, subscriber)
    assert reader.post(tenant_path(isp, f"/news/{item.id}/read")).status_code == 400
    assert "news-banner" in _page(reader, isp, "/")


def test_logged_in_only_news_is_not_public(app, isp, subscriber, login, add_news, client):
    secret = add_news("Только для абонентов", public=False)
    open_item = add_news("Для всех")
    assert client.get(tenant_path(isp, f"/news/public/{secret.id}")).status_code == 404
    page = client.get(tenant_path(isp, f"/news/public/{open_item.id}"))
    assert page.status_code == 200 and "Для всех" in page.get_data(as_text=True)
    assert client.get(tenant_path(isp, "/news/")).status_code == 302  # the list is for logged-in readers
    assert "Только для абонентов" in _page(login(isp, subscriber), isp)


def test_operator_edits_and_deletes(app, isp, operator, subscriber, login, add_news):
    item = add_news("Опечатка")
    staff = login(isp, operator)
    form = _page(staff, isp, f"/admin/news/{item.id}")
    assert 'value="Опечатка"' in form
    staff.submit(tenant_path(isp, f"/admin/news/{item.id}"), {"title": "Исправлено", "body": "Текст", "public": "y"})
    assert "Исправлено" in _page(login(isp, subscriber), isp)
    staff.submit(
        tenant_path(isp, f"/admin/news/{item.id}/delete"), {}, form_url=tenant_path(isp, f"/admin/news/{item.id}")
    )
    assert "Исправлено" not in _page(login(isp, subscriber), isp)
    with app.app_context(), tenant_scope(isp.id):
        from core.audit.models import AuditEvent

        actions = [e.action for e in session.query(AuditEvent).filter(AuditEvent.object_type == "news")]
    assert {"news.update", "news.delete"} <= set(actions)


def test_subscribers_cannot_manage_news(app, isp, subscriber, login):
    reader = login(isp, subscriber)
    assert reader.get(tenant_path(isp, "/admin/news")).status_code == 403
    assert reader.get(tenant_path(isp, "/admin/news/new")).status_code == 403


def test_publishing_notifies_readers_once_respecting_their_choice(app, isp, operator, subscriber, make_user, login):
    quiet = make_user(isp, "quiet@isp.example", full_name="Quiet")
    login(isp, quiet).submit(tenant_path(isp, "/notifications/settings"), {"in_app": [], "email": []})
    staff = login(isp, operator)
    staff.submit(tenant_path(isp, "/admin/news/new"), {"title": "Новости", "body": "Текст", "public": "y"})
    item = _only_item(app, isp)

    assert run_job(app, "core.news.notify")["notified"] == 2
    assert run_job(app, "core.news.notify")["notified"] == 0  # dedupe per item: the job may run any number of times
    [notice] = notices_of(app, isp, subscriber, "news")
    assert notice.title == "Новости" and notice.link == f"/news/{item.id}" and notice.read_at is None
    assert notices_of(app, isp, operator) == []  # staff who write news are not notified of it
    [silent] = notices_of(app, isp, quiet, "news")
    assert silent.read_at is not None  # kept only to remember the event; not shown, not counted
    assert "Новости" not in _page(login(isp, quiet), isp, "/notifications")

    reader = login(isp, subscriber)
    header = _page(reader, isp, "/")
    assert re.search(r'href="/t/isp/notifications"[^>]*>Notifications <span class="badge badge-blocked">1', header)
    with app.app_context(), tenant_scope(isp.id):
        from core.mail.models import OutboxMessage

        assert session.query(OutboxMessage).count() == 0  # news by e-mail is off until a user turns it on


def test_scheduled_news_is_announced_when_it_is_due(app, isp, subscriber, add_news):
    item = add_news("Позже", published_at=utcnow() + timedelta(hours=1))
    assert run_job(app, "core.news.notify")["notified"] == 0
    later = utcnow() + timedelta(hours=1, minutes=1)
    assert run_job(app, "core.news.notify", now=later)["notified"] == 1
    assert run_job(app, "core.news.notify", now=later + timedelta(minutes=1))["notified"] == 0
    [notice] = notices_of(app, isp, subscriber, "news")
    assert notice.dedupe_key == f"news:{item.id}"


def test_news_mail_links_to_the_item_on_the_providers_site(app, isp, subscriber, add_news):
    from core.notify.service import set_preference

    with app.app_context(), tenant_scope(isp.id):
        from core.identity.models import User

        set_preference(session.get(User, subscriber.id), "news", True, True)
        session.commit()
    item = add_news("Письмом")
    run_job(app, "core.news.notify")
    with app.app_context(), tenant_scope(isp.id):
        from core.mail.models import OutboxMessage

        [message] = session.query(OutboxMessage).all()
    assert message.to == "ivanov@isp.example" and message.subject == "Письмом"
    assert f"http://localhost/t/isp/news/{item.id}" in message.body_text  # the configured address


def test_publishing_notifies_the_readers_in_a_background_task_with_its_progress(app, isp, operator, make_user, login):
    from core.jobs.background import RUN_JOB

    readers = [make_user(isp, f"reader{n}@isp.example") for n in range(5)]
    staff = login(isp, operator)
    response = staff.submit(tenant_path(isp, "/admin/news/new"), {"title": "Авария на линии", "body": "Чиним."})
    assert response.status_code == 302 and "/admin/tasks/" in response.location
    waiting = staff.get(response.location)
    assert "Waiting for a worker" in waiting.get_data(as_text=True) and waiting.headers["Refresh"]
    assert notices_of(app, isp, readers[0]) == []  # nothing sent inside the request

    assert run_job(app, RUN_JOB)["done"] == 1
    page = staff.get(response.location).get_data(as_text=True)
    assert "Readers notified: 5." in page and "5 of 5" in page
    assert all(len(notices_of(app, isp, reader)) == 1 for reader in readers)
    run_job(app, "core.news.notify")  # the periodic job finds everyone told already
    assert all(len(notices_of(app, isp, reader)) == 1 for reader in readers)

    item = _only_item(app, isp)
    edited = staff.submit(tenant_path(isp, f"/admin/news/{item.id}"), {"title": "Авария устранена", "body": "Всё."})
    assert edited.status_code == 302 and edited.location.endswith("/admin/news")  # an edit notifies nobody again


def test_announcing_goes_through_the_readers_in_chunks(app, isp, operator, make_user, add_news):
    for n in range(7):
        make_user(isp, f"reader{n}@isp.example")
    item = add_news("Плановые работы")
    reports = []

    class Recorder:
        def advance(self, done, total=None):
            reports.append((done, total))

    from flask import g

    from core.news.service import announce

    with app.test_request_context(), tenant_scope(isp.id):
        g.tenant = session.merge(isp)
        assert announce(g.tenant, session.merge(item), Recorder(), chunk_size=3) == 7
        assert announce(g.tenant, session.merge(item), Recorder(), chunk_size=3) == 0  # idempotent
    assert reports[:3] == [(3, 7), (6, 7), (7, 7)]


def test_the_operators_news_list_pages_and_says_how_many_there_are(app, isp, operator, login):
    """55 items: the newest 50 on the first page with "1–50 of 55", the oldest five on the next; none is lost."""
    now = utcnow()
    with app.app_context(), tenant_scope(isp.id):
        session.add_all(
            NewsItem(title=f"Item {n:02d}", body="B", published_at=now - timedelta(hours=n)) for n in range(55)
        )
        session.commit()
    staff = login(isp, operator)
    first = _page(staff, isp, "/admin/news")
    titles = re.findall(r"Item (\d\d)</a>", first)
    assert titles == [f"{n:02d}" for n in range(50)]  # newest publication first
    assert re.search(r"1–50\D+55", first)
    following = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = staff.get(following).get_data(as_text=True)
    assert re.findall(r"Item (\d\d)</a>", second) == ["50", "51", "52", "53", "54"]
    assert 'rel="next"' not in second and 'rel="prev"' in second
