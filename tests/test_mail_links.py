"""The link test: every kind of mail the app sends carries only its tenant's configured address.

Each mail is triggered the way users trigger it, through a request that names another host than the
tenant's own (a second platform address, ``127.0.0.1:8080``) — and once more with a forged host,
which is refused before anything is sent. Notifications are sent for *every* registered kind, from
inside a request whose host is forged. The test then reads every message in the outbox.

The list of mail kinds is not written here: it is every ``mail/*.txt`` template the app has. A new
kind of mail fails this test until a trigger for it is added to ``TRIGGERS``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import template_rendered

from core.testing.web import _CSRF

OTHER_HOST = "http://127.0.0.1:8080"  # accepted (a platform host), but not the tenant's address
FORGED_HOST = "evil.example"
SITE = "https://cabinet.isp.example"  # the tenant's configured address
URL = re.compile(r"""https?://[^\s"'<>]+""")


@pytest.fixture
def world(app, make_tenant, make_user):
    """``isp`` with a configured address and ``plain`` (new passwords by mail, no address of its own)."""
    from core.db import cross_tenant, session, tenant_scope
    from core.settings.service import save_settings
    from core.tenants.models import TenantDomain

    isp = make_tenant("isp", locale="en")
    plain = make_tenant("plain", password_reset="new_password")
    with app.app_context():
        with cross_tenant():
            session.add(TenantDomain(tenant_id=isp.id, host="cabinet.isp.example"))
        with tenant_scope(isp.id):
            save_settings("site", {"url": SITE})
        session.commit()
    users = {
        "ann": make_user(isp, "ann@example.com", email="ann@example.com", full_name="Ann"),
        "olga": make_user(isp, "olga@isp.example", roles=("operator",), email="olga@isp.example"),
        "pete": make_user(plain, "pete@example.com", email="pete@example.com"),
    }
    return {"isp": isp, "plain": plain, **users}


def _submit(client, url: str, data: dict, *, form_url: str | None = None, host: str | None = None):
    """Post a form like a browser on ``OTHER_HOST`` (or with a forged ``Host`` header)."""
    page = client.get(form_url or url, base_url=OTHER_HOST)
    token = _CSRF.search(page.get_data(as_text=True)).group(1)
    headers = {"Host": host} if host else {}
    return client.post(url, data={**data, "csrf_token": token}, base_url=OTHER_HOST, headers=headers)


def _logged_in(app, user, slug: str):
    client = app.test_client()
    response = _submit(client, f"/t/{slug}/login", {"login": user.login, "password": user.password})
    assert response.status_code == 302
    return client


def _reset_request(app, slug: str, login: str, host):
    """Ask for a reset; the ``core.identity.reset_mail`` job turns the request into mail, as the worker would."""
    from core.jobs.registry import run_job

    response = _submit(app.test_client(), f"/t/{slug}/password/reset", {"login": login}, host=host)
    run_job(app, "core.identity.reset_mail")
    return response


def _password_reset(app, world, host):
    return _reset_request(app, "isp", "ann@example.com", host)


def _new_password_request(app, world, host):
    return _reset_request(app, "plain", "pete@example.com", host)


def _new_password(app, world, host):
    """The new password is mailed once the link in the request's mail is followed and confirmed."""
    response = _new_password_request(app, world, host)
    if host:
        return response
    [request_mail] = [m for m in _outbox(app) if m.to == "pete@example.com" and "/password/reset/" in m.body_text]
    path = "/" + URL.search(request_mail.body_text).group(0).split("://", 1)[1].split("/", 1)[1]
    return _submit(app.test_client(), path, {})


def _confirm_email(app, world, host):
    client = _logged_in(app, world["ann"], "isp")
    data = {"em-email": "ann.new@example.com", "em-password": world["ann"].password}
    return _submit(client, "/t/isp/profile/email", data, form_url="/t/isp/profile", host=host)


def _ticket_new(app, world, host):
    client = _logged_in(app, world["ann"], "isp")
    data = {"category": "technical", "subject": "No internet", "body": "Down since morning."}
    return _submit(client, "/t/isp/support/new", data, host=host)


def _notification(app, world, host):
    """Every registered kind (core's and the plugins'), notified from inside a forged-host request."""
    if host:
        return None  # notices are sent by the app's own code, not by a form: nothing to refuse
    from core.db import session, tenant_scope
    from core.identity.models import User
    from core.notify.service import kinds, notify, set_preference
    from core.tenants.urls import site_path

    with app.test_request_context("/t/isp/", base_url=f"http://{FORGED_HOST}"), tenant_scope(world["isp"].id):
        ann = session.get(User, world["ann"].id)
        for code in kinds():
            set_preference(ann, code, True, True)
            notify(ann, code, f"Notice {code}", "", site_path("web.dashboard"), tenant=world["isp"])
        session.commit()
    return None


def _housing_flats(app, world) -> None:
    """The housing plugin on for ``isp`` with two flats and their accounts (once)."""
    from decimal import Decimal

    from sqlalchemy import select

    from core.accounts.service import open_account
    from core.db import session, tenant_scope
    from core.plugins.enablement import enable_plugin
    from core.tenants.models import Tenant
    from plugins.housing.models import AccountPremises, Building, Premises

    with app.app_context(), tenant_scope(world["isp"].id):
        if session.scalar(select(Building.id)) is not None:
            return
        enable_plugin(session.get(Tenant, world["isp"].id), "housing", None)
        building = Building(code="B1", address="Main St, 1", total_area=Decimal(1000))
        session.add(building)
        session.flush()
        for number in ("1", "2"):
            flat = Premises(building_id=building.id, number=number, area=Decimal(40))
            session.add(flat)
            session.flush()
            account = open_account(f"H-{number}")
            session.add(AccountPremises(personal_account_id=account.id, premises_id=flat.id))
        session.commit()


def _housing_register(app, world, host, email: str, account: str, flat: str):
    """Register for a flat: the request (with ``host``), then, unless forged, the proof through the mailed link."""
    _housing_flats(app, world)
    data = {"account_number": account, "full_name": "Ann Resident", "email": email}
    response = _submit(app.test_client(), "/t/isp/housing/register", data, host=host)
    if host:
        return response
    [mail] = [m for m in _outbox(app) if m.to == email and "/housing/register/" in m.body_text][-1:]
    path = URL.search(mail.body_text).group(0).removeprefix(SITE)  # the tenant's own domain: by path prefix here
    return _submit(app.test_client(), "/t/isp" + path, {"flat_number": flat})


def _housing_registration_done(app, world, host):
    return _housing_register(app, world, host, "new.resident@example.com", "H-1", "1")


def _housing_flat_bound(app, world, host):
    return _housing_register(app, world, host, "ann@example.com", "H-2", "2")


TRIGGERS: dict[str, Callable] = {
    "mail/housing_registration_confirm.txt": _housing_registration_done,
    "mail/housing_registration_done.txt": _housing_registration_done,
    "mail/housing_flat_bound.txt": _housing_flat_bound,
    "mail/password_reset.txt": _password_reset,
    "mail/new_password_request.txt": _new_password_request,
    "mail/new_password.txt": _new_password,
    "mail/confirm_email.txt": _confirm_email,
    "mail/ticket_new.txt": _ticket_new,
    "mail/notification.txt": _notification,
}


def _outbox(app) -> list:
    from core.db import cross_tenant, session
    from core.mail.models import OutboxMessage

    with app.app_context(), cross_tenant():
        messages = session.query(OutboxMessage).all()
        session.expunge_all()
    return messages


def test_every_mail_links_only_to_its_tenants_configured_address(app, world):
    from core.tenants.urls import site_url

    templates = sorted(app.jinja_env.list_templates(filter_func=lambda n: n.startswith("mail/") and n.endswith(".txt")))
    assert templates, "no mail templates found"
    missing = set(templates) - set(TRIGGERS)
    assert not missing, f"add a trigger to TRIGGERS for {sorted(missing)}"

    rendered: list[str] = []

    def record(sender, template, context, **extra):
        rendered.append(template.name)

    template_rendered.connect(record, app)
    try:
        for name in templates:
            forged = TRIGGERS[name](app, world, FORGED_HOST)
            assert forged is None or forged.status_code == 400, name
        assert _outbox(app) == [], "a request with a forged host queued mail"
        for name in templates:
            TRIGGERS[name](app, world, None)
    finally:
        template_rendered.disconnect(record, app)

    assert set(templates) <= set(rendered), f"not sent: {sorted(set(templates) - set(rendered))}"
    with app.app_context():
        allowed = {world["isp"].id: site_url(world["isp"]), world["plain"].id: site_url(world["plain"])}
    assert allowed[world["isp"].id] == SITE
    messages = _outbox(app)
    linked = 0
    for message in messages:
        text = message.body_text + (message.body_html or "")
        for link in URL.findall(text):
            assert link.startswith(allowed[message.tenant_id] + "/"), (message.kind, link)
            linked += 1
        assert "127.0.0.1" not in text and FORGED_HOST not in text, message.kind
    kinds_with_links = {m.kind for m in messages if URL.search(m.body_text)}
    assert {"password_reset", "email_change", "ticket_new", "housing_registration"} <= kinds_with_links
    assert any(k.startswith("notify:") for k in kinds_with_links) and linked >= len(messages) - 1
