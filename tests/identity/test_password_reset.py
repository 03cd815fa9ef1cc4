"""Password reset end to end over a real SMTP server."""

import re
from datetime import timedelta

import pytest

from core.jobs.registry import run_job
from core.testing.fixtures import tenant_path

LINK = re.compile(r"https?://\S+/password/reset/\S+")


@pytest.fixture
def app_config(app_config, smtp_server):
    return {**app_config, "SMTP_URL": smtp_server.url}


@pytest.fixture
def isp(make_tenant):
    return make_tenant("isp", login_identifier="contract", name="ISP")


def _deliver(app):
    """What the job worker does: act on the reset requests, then send the outbox."""
    run_job(app, "core.identity.reset_mail")
    return run_job(app, "core.mail.deliver")


def _request_reset(client, tenant, login_value):
    return client.submit(tenant_path(tenant, "/password/reset"), {"login": login_value})


def test_reset_link_arrives_and_works_once(app, isp, make_user, smtp_server, client):
    user = make_user(isp, "12345", email="ivanov@example.com", full_name="Иванов")
    response = _request_reset(client, isp, " 123 45 ")  # typed with spaces: still the same contract
    assert response.status_code == 200
    assert _deliver(app)["sent"] == 1
    [message] = smtp_server.sink.to("ivanov@example.com")
    link = LINK.search(message.get_body(("plain",)).get_content()).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    path = "/" + path

    form = client.get(path)
    assert form.status_code == 200
    done = client.submit(path, {"new_password": "NewPassw0rd", "confirm": "NewPassw0rd"})
    assert done.status_code == 302
    assert client.submit(tenant_path(isp, "/login"), {"login": "12345", "password": "NewPassw0rd"}).status_code == 302
    assert client.submit(tenant_path(isp, "/login"), {"login": "12345", "password": user.password}).status_code == 401

    again = client.get(path)
    assert again.status_code == 410


def test_unknown_login_gets_the_same_answer_and_no_mail(app, isp, make_user, smtp_server, client):
    make_user(isp, "12345", email="ivanov@example.com")
    known = _request_reset(client, isp, "12345")
    unknown = _request_reset(client, isp, "99999")
    assert known.status_code == unknown.status_code == 200

    # The pages are the same but for the CSRF token, which is signed with the current second.
    def without_token(page: str) -> str:
        return re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token"', page)

    assert without_token(known.get_data(as_text=True)) == without_token(unknown.get_data(as_text=True))
    _deliver(app)
    assert len(smtp_server.messages) == 1


def test_reset_link_expires(app, isp, make_user, smtp_server, client, monkeypatch):
    make_user(isp, "12345", email="ivanov@example.com")
    _request_reset(client, isp, "12345")
    _deliver(app)
    body = smtp_server.messages[0].get_body(("plain",)).get_content()
    path = "/" + LINK.search(body).group(0).split("://", 1)[1].split("/", 1)[1]

    import core.identity.tokens as tokens

    real_now = tokens.utcnow
    monkeypatch.setattr(tokens, "utcnow", lambda: real_now() + timedelta(minutes=61))
    assert client.get(path).status_code == 410


def test_tenant_option_new_password_by_mail_changes_it_only_when_the_link_is_followed(
    app, make_tenant, make_user, smtp_server, client, login
):
    tenant = make_tenant("housing", login_identifier="email", password_reset="new_password")
    user = make_user(tenant, "resident@example.com")
    browser = login(tenant, user)
    _request_reset(client, tenant, "Resident@Example.com")
    _request_reset(client, tenant, "Resident@Example.com")
    _deliver(app)
    # Anyone can ask: nothing changes for the owner until the mailed link is followed.
    assert browser.get(tenant_path(tenant, "/")).status_code == 200
    login(tenant, user)
    [path] = _links(smtp_server, "resident@example.com")[-1:]
    assert "Получить новый пароль" in client.get(path).get_data(as_text=True)
    done = client.submit(path, {})
    assert "отправили вам новый пароль" in done.get_data(as_text=True)
    _deliver(app)
    body = smtp_server.sink.to("resident@example.com")[-1].get_body(("plain",)).get_content()
    password = re.search(r"(?:Пароль|Password): (\S+)", body).group(1)
    response = client.submit(tenant_path(tenant, "/login"), {"login": "resident@example.com", "password": password})
    assert response.status_code == 302
    assert browser.get(tenant_path(tenant, "/")).status_code != 200  # the other sessions ended
    assert client.get(path).status_code == 410


def test_mail_waits_in_the_outbox_while_smtp_is_down(app, isp, make_user, smtp_server, client):
    make_user(isp, "12345", email="ivanov@example.com")
    smtp_server.stop()
    _request_reset(client, isp, "12345")
    assert _deliver(app)["retry"] == 1
    smtp_server.start()
    from core.db import cross_tenant, session
    from core.mail.models import OutboxMessage

    with app.app_context(), cross_tenant():
        message = session.query(OutboxMessage).one()
        message.next_attempt_at = message.created_at
        session.commit()
    assert _deliver(app)["sent"] == 1
    assert len(smtp_server.messages) == 1


def _links(smtp_server, to="ivanov@example.com") -> list[str]:
    paths = []
    for message in smtp_server.sink.to(to):
        link = LINK.search(message.get_body(("plain",)).get_content()).group(0)
        paths.append("/" + link.split("://", 1)[1].split("/", 1)[1])
    return paths


def test_a_newer_reset_request_voids_the_older_link(app, isp, make_user, smtp_server, client):
    make_user(isp, "12345", email="ivanov@example.com")
    _request_reset(client, isp, "12345")
    _request_reset(client, isp, "12345")
    _deliver(app)
    older, newer = _links(smtp_server)
    assert client.get(older).status_code == 410
    assert client.get(newer).status_code == 200


def test_a_password_change_voids_outstanding_reset_links(app, isp, make_user, smtp_server, client, login):
    user = make_user(isp, "12345", email="ivanov@example.com")
    _request_reset(client, isp, "12345")
    _deliver(app)
    [path] = _links(smtp_server)
    changed = login(isp, user).submit(
        tenant_path(isp, "/profile/password"),
        {"pw-current_password": user.password, "pw-new_password": "Brand-new-pass-7", "pw-confirm": "Brand-new-pass-7"},
        form_url=tenant_path(isp, "/profile"),
    )
    assert changed.status_code == 302
    assert client.get(path).status_code == 410


def test_the_request_itself_neither_issues_a_token_nor_writes_mail(app, isp, make_user, client):
    """Known and unknown logins cost the request the same: the job does the lookup and the mail."""
    from core.db import cross_tenant, session
    from core.identity.models import OneTimeToken, PasswordResetRequest
    from core.mail.models import OutboxMessage

    make_user(isp, "12345", email="ivanov@example.com")
    _request_reset(client, isp, "12345")
    _request_reset(client, isp, "99999")
    with app.app_context(), cross_tenant():
        assert session.query(OutboxMessage).count() == 0
        assert session.query(OneTimeToken).count() == 0
        assert session.query(PasswordResetRequest).count() == 2
    assert run_job(app, "core.identity.reset_mail") == {"mailed": 1, "unknown": 1, "failed": 0}
    with app.app_context(), cross_tenant():
        assert session.query(OutboxMessage).count() == 1
        assert session.query(PasswordResetRequest).count() == 0


def test_reset_requests_are_limited_per_login(app, isp, make_user, smtp_server, client):
    make_user(isp, "12345", email="ivanov@example.com")
    for _ in range(6):
        assert _request_reset(client, isp, "12345").status_code == 200
    _deliver(app)
    assert len(smtp_server.sink.to("ivanov@example.com")) == 3


def test_reset_requests_are_limited_per_ip(app, isp, make_user, smtp_server, client):
    make_user(isp, "12345", email="ivanov@example.com")
    for n in range(10):
        _request_reset(client, isp, f"5550{n}")
    assert _request_reset(client, isp, "12345").status_code == 200
    _deliver(app)
    assert smtp_server.sink.to("ivanov@example.com") == []
    other_ip = app.test_client()
    other_ip.submit(tenant_path(isp, "/password/reset"), {"login": "12345"}, environ_base={"REMOTE_ADDR": "192.0.2.1"})
    _deliver(app)
    assert len(smtp_server.sink.to("ivanov@example.com")) == 1
