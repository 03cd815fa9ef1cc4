"""The notification centre: the header count, the list, mark read (one, all), and the settings per kind."""

from __future__ import annotations

import re

from core.db import session, tenant_scope
from core.mail.models import OutboxMessage
from core.notify.models import NotificationPreference
from core.testing.fixtures import tenant_path

BADGE = re.compile(
    r'href="/t/isp/notifications"[^>]*>Notifications'
    r'(?: <span class="badge badge-blocked">(\d+)<span class="visually-hidden"> unread)?'
)


def _unread_in_header(client, tenant) -> int:
    page = client.get(tenant_path(tenant, "/")).get_data(as_text=True)
    match = BADGE.search(page)
    assert match, "no notifications link in the header"
    return int(match.group(1) or 0)


def _outbox(app, tenant) -> list:
    with app.app_context(), tenant_scope(tenant.id):
        rows = session.query(OutboxMessage).order_by(OutboxMessage.id).all()
        session.expunge_all()
    return rows


def test_header_count_list_and_mark_read(app, isp, subscriber, login, send):
    first = send(isp, subscriber, "payment_received", "Платёж 500 ₽ зачислен", link="/money/")
    send(isp, subscriber, "low_balance", "Баланс ниже 100 ₽")
    send(isp, subscriber, "ticket_reply", "Ответ поддержки")
    client = login(isp, subscriber)
    assert _unread_in_header(client, isp) == 3

    page = client.get(tenant_path(isp, "/notifications")).get_data(as_text=True)
    assert "Платёж 500 ₽ зачислен" in page and "Payment received" in page and page.count("Unread") == 3

    response = client.submit(
        tenant_path(isp, f"/notifications/{first}/read"), {}, form_url=tenant_path(isp, "/notifications")
    )
    assert response.status_code == 302
    assert _unread_in_header(client, isp) == 2

    response = client.submit(
        tenant_path(isp, "/notifications/read-all"), {}, form_url=tenant_path(isp, "/notifications")
    )
    assert response.status_code == 302
    assert _unread_in_header(client, isp) == 0
    assert "Unread" not in client.get(tenant_path(isp, "/notifications")).get_data(as_text=True)


def test_open_marks_read_and_follows_the_link(app, isp, subscriber, login, send):
    notice = send(isp, subscriber, "payment_received", "Платёж", link="/money/")
    client = login(isp, subscriber)
    response = client.submit(
        tenant_path(isp, f"/notifications/{notice}/read"), {"open": "1"}, form_url=tenant_path(isp, "/notifications")
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/t/isp/money/")
    assert _unread_in_header(client, isp) == 0


def test_mark_read_needs_csrf_and_is_the_users_own(app, isp, subscriber, make_user, login, send):
    notice = send(isp, subscriber, "payment_received", "Платёж")
    client = login(isp, subscriber)
    assert client.post(tenant_path(isp, f"/notifications/{notice}/read")).status_code == 400
    assert client.post(tenant_path(isp, "/notifications/read-all")).status_code == 400
    neighbour = login(isp, make_user(isp, "100201", email="petrov@example.com"))
    token = neighbour.csrf_token(tenant_path(isp, "/notifications"))
    assert (
        neighbour.post(tenant_path(isp, f"/notifications/{notice}/read"), data={"csrf_token": token}).status_code == 404
    )
    assert _unread_in_header(client, isp) == 1


def test_settings_list_every_kind_with_labelled_checkboxes(app, isp, subscriber, login):
    page = login(isp, subscriber).get(tenant_path(isp, "/notifications/settings")).get_data(as_text=True)
    for title in (
        "Payment received",
        "Low balance",
        "Reply from support",
        "Technician visit scheduled",
        "Provider news",
    ):
        assert f"<legend>{title}</legend>" in page
    assert re.search(
        r'<label class="check"><input type="checkbox" name="email" value="news" id="email-news"> By e-mail', page
    )
    assert re.search(r'name="email" value="payment_received" id="email-payment_received" checked', page)


def test_settings_are_translated(app, isp, subscriber, login):
    from flask_babel import force_locale, gettext

    client = login(isp, subscriber)
    client.submit(tenant_path(isp, "/language"), {"lang": "ru", "next": "/"}, form_url=tenant_path(isp, "/"))
    page = client.get(tenant_path(isp, "/notifications/settings")).get_data(as_text=True)
    with app.test_request_context(), force_locale("ru"):
        titles = [gettext("Payment received"), gettext("Provider news"), gettext("Notification settings")]
    for title in titles:  # the kinds' titles go through the catalogue like every other string
        assert title in page


def test_switching_email_off_for_a_kind(app, isp, subscriber, login, send):
    client = login(isp, subscriber)
    every_kind = ["payment_received", "low_balance", "ticket_reply", "visit_scheduled", "news"]
    response = client.submit(
        tenant_path(isp, "/notifications/settings"),
        {"in_app": every_kind, "email": ["low_balance", "ticket_reply", "visit_scheduled"]},
    )
    assert response.status_code == 302
    page = client.get(tenant_path(isp, "/notifications/settings")).get_data(as_text=True)
    assert 'value="payment_received" id="email-payment_received">' in page  # unchecked now
    with app.app_context(), tenant_scope(isp.id):
        pref = session.query(NotificationPreference).filter_by(kind="payment_received").one()
        assert (pref.in_app, pref.email) == (True, False)

    send(isp, subscriber, "payment_received", "Платёж зачислен")
    send(isp, subscriber, "low_balance", "Баланс ниже 100 ₽")
    assert [m.subject for m in _outbox(app, isp)] == ["Баланс ниже 100 ₽"]
    assert _unread_in_header(client, isp) == 2  # both still in the app


def test_switching_in_app_off_hides_the_kind(app, isp, subscriber, login, send):
    client = login(isp, subscriber)
    client.submit(tenant_path(isp, "/notifications/settings"), {"in_app": ["low_balance"], "email": []})
    send(isp, subscriber, "payment_received", "Платёж зачислен", dedupe_key="payment:1")
    send(isp, subscriber, "low_balance", "Баланс ниже 100 ₽")
    page = client.get(tenant_path(isp, "/notifications")).get_data(as_text=True)
    assert "Баланс ниже 100 ₽" in page and "Платёж зачислен" not in page
    assert _unread_in_header(client, isp) == 1
    assert _outbox(app, isp) == []


def test_logged_out_visitors_are_sent_to_log_in(app, isp, client):
    for path in ("/notifications", "/notifications/settings"):
        response = client.get(tenant_path(isp, path))
        assert response.status_code == 302 and "/login" in response.headers["Location"]
