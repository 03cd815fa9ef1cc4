"""Notifications in the API: the list, marking read, preferences get/put."""

from __future__ import annotations

from core.testing.fixtures import tenant_path


def _headers(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_list_and_mark_read(app, isp, subscriber, api_token, send):
    first = send(isp, subscriber, "payment_received", "Платёж зачислен", body="500 ₽", link="/money/")
    second = send(isp, subscriber, "low_balance", "Баланс ниже 100 ₽")
    client, headers = app.test_client(), _headers(api_token(isp, subscriber))
    url = tenant_path(isp, "/api/v1/notifications")

    rows = client.get(url, headers=headers).get_json()
    assert [r["id"] for r in rows] == [second, first]
    assert rows[1] == {
        "id": first,
        "kind": "payment_received",
        "kind_title": "Payment received",
        "title": "Платёж зачислен",
        "body": "500 ₽",
        "link": "/money/",
        "created_at": rows[1]["created_at"],
        "read_at": None,
    }

    marked = client.post(f"{url}/{first}/read", headers=headers)
    assert marked.status_code == 200 and marked.get_json()["read_at"] is not None
    assert [r["id"] for r in client.get(f"{url}?unread=true", headers=headers).get_json()] == [second]
    again = client.post(f"{url}/{first}/read", headers=headers)
    assert again.status_code == 200 and again.get_json()["read_at"] == marked.get_json()["read_at"]

    everything = client.post(f"{url}/read-all", headers=headers)
    assert everything.status_code == 200 and everything.get_json() == {"marked": 1, "unread": 0}
    assert client.get(f"{url}?unread=true", headers=headers).get_json() == []


def test_another_users_notification_is_not_found(app, isp, subscriber, make_user, api_token, send):
    notice = send(isp, subscriber, "payment_received", "Платёж")
    neighbour = make_user(isp, "100201", email="petrov@example.com")
    response = app.test_client().post(
        tenant_path(isp, f"/api/v1/notifications/{notice}/read"), headers=_headers(api_token(isp, neighbour))
    )
    assert response.status_code == 404 and response.get_json()["code"] == 404


def test_preferences_get_and_put(app, isp, subscriber, api_token, send):
    client, headers = app.test_client(), _headers(api_token(isp, subscriber))
    url = tenant_path(isp, "/api/v1/notifications/preferences")
    prefs = {p["kind"]: p for p in client.get(url, headers=headers).get_json()["preferences"]}
    assert prefs["news"] == {"kind": "news", "title": "Provider news", "in_app": True, "email": False}
    assert prefs["payment_received"]["email"] is True

    body = {"preferences": [{"kind": "payment_received", "in_app": True, "email": False}]}
    changed = client.put(url, json=body, headers=headers)
    assert changed.status_code == 200
    prefs = {p["kind"]: p for p in changed.get_json()["preferences"]}
    assert prefs["payment_received"]["email"] is False and prefs["low_balance"]["email"] is True

    send(isp, subscriber, "payment_received", "Платёж")
    from core.db import session, tenant_scope
    from core.mail.models import OutboxMessage

    with app.app_context(), tenant_scope(isp.id):
        assert session.query(OutboxMessage).count() == 0

    unknown = client.put(url, json={"preferences": [{"kind": "nope", "in_app": True, "email": True}]}, headers=headers)
    assert unknown.status_code == 422
    assert client.put(url, json={"preferences": [{"kind": "news"}]}, headers=headers).status_code == 422
    assert client.put(url, json=body).status_code == 401
