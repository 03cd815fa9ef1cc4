"""The privilege test: nobody acts on a user holding a role they could not grant themselves.

Every route that acts on one user (a ``user_id`` in its URL, in the admin area, the API or a plugin)
is found by walking the URL map, so a new route of that kind is covered without touching this file.
Every staff role then tries every such route, with every method, against a user holding each role
that is higher than its own (a role bringing staff permissions the actor does not hold): refused,
and the user is unchanged.
"""

from __future__ import annotations

import re

import pytest
from flask import g
from sqlalchemy import select

from core.access.service import registry, user_permissions, user_roles
from core.db import session, tenant_scope
from core.identity.models import User
from core.testing.fixtures import tenant_path

USER_ARGUMENT = re.compile(r"(^|_)user_id$")
MUTATING = ("POST", "PUT", "PATCH", "DELETE")
SHEET_PASSWORD = re.compile(r'data-testid="password">([^<]+)<')


def user_rules(app) -> list:
    """Every non-public route with a user id in its URL."""
    rules = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if getattr(view, "is_public", False):
            continue
        if any(USER_ARGUMENT.search(argument) for argument in rule.arguments):
            rules.append(rule)
    return rules


def _path(rule, user_id: int) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(user_id) if USER_ARGUMENT.search(m.group(1)) else "1", rule.rule)


def _state(app, tenant, user_id: int) -> tuple:
    with app.test_request_context(), tenant_scope(tenant.id):
        g.tenant = session.merge(tenant)
        user = session.get(User, user_id)
        roles = sorted((a.role.code, a.organization_id or 0) for a in user_roles(user))
        return user.password_hash, user.status, roles


def _permissions(app, tenant, user) -> frozenset[str]:
    with app.test_request_context(), tenant_scope(tenant.id):
        g.tenant = session.merge(tenant)
        return user_permissions(session.get(User, user.id))


def _staff_permissions(app, tenant, user) -> frozenset[str]:
    """What a role holder may do beyond what every subscriber may do for themselves."""
    with app.app_context():
        self_service = registry().default_permissions("subscriber")
    return _permissions(app, tenant, user) - self_service


def _all_role_codes(app, tenant) -> list[str]:
    from core.access.models import Role

    with app.app_context(), tenant_scope(tenant.id):
        return list(session.scalars(select(Role.code)))


def _attack(app, tenant, actor_client, victim, rules) -> list[str]:
    """Every route and method against ``victim``; returns what was not refused or changed the victim."""
    token = actor_client.csrf_token(tenant_path(tenant, "/notifications"))
    payload = {"csrf_token": token, "status": "deleted", "roles": _all_role_codes(app, tenant)}
    failures = []
    for rule in rules:
        url = tenant_path(tenant, _path(rule, victim.id))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            before = _state(app, tenant, victim.id)
            if rule.rule.startswith("/api/"):
                response = actor_client.open(
                    url, method=method, json={"status": "deleted"}, headers=actor_client.api_headers
                )
            else:
                data = payload if method in MUTATING else None
                response = actor_client.open(url, method=method, data=data)
            if response.status_code not in (403, 404):
                failures.append(f"{method} {url}: {response.status_code}")
            if _state(app, tenant, victim.id) != before:
                failures.append(f"{method} {url}: changed the user")
    return failures


@pytest.fixture
def actor(login, api_token):
    """A logged-in browser that also carries the user's bearer token for the API."""

    def make(tenant, user):
        client = login(tenant, user)
        client.api_headers = {"Authorization": f"Bearer {api_token(tenant, user)}"}
        return client

    return make


@pytest.fixture
def tenants(app, make_tenant):
    from core.tenants.platform import ensure_platform_tenant

    with app.app_context():
        platform = ensure_platform_tenant()
        session.commit()
        session.expunge(platform)
    return [make_tenant("alpha"), platform]


def test_user_routes_are_found(app):
    endpoints = {rule.endpoint for rule in user_rules(app)}
    assert {"admin.subscriber", "admin.subscriber_status", "admin.subscriber_password", "admin.staff_member"} <= (
        endpoints
    )


def test_no_staff_role_acts_on_a_higher_role(app, tenants, make_user, actor):
    rules = user_rules(app)
    failures: list[str] = []
    pairs = 0
    for tenant in tenants:
        codes = _all_role_codes(app, tenant)
        holders = {code: make_user(tenant, f"{code}@{tenant.slug}.example", roles=(code,)) for code in codes}
        staff = {code: _staff_permissions(app, tenant, user) for code, user in holders.items()}
        # Not staff: the route matrix already keeps them out of the admin area. All log in before any attack.
        clients = {code: actor(tenant, holders[code]) for code, powers in staff.items() if powers}
        for actor_role, client in clients.items():
            actor_powers = staff[actor_role]
            for victim_role, victim_powers in staff.items():
                if victim_powers <= actor_powers:
                    continue
                pairs += 1
                found = _attack(app, tenant, client, holders[victim_role], rules)
                failures += [f"{actor_role} → {victim_role}: {f}" for f in found]
    assert pairs >= 3  # operator → tenant admin here and on the platform, tenant admin → platform admin
    assert failures == []


def test_an_operator_does_not_act_on_another_operator(app, tenants, make_user, actor):
    tenant = tenants[0]
    operator = make_user(tenant, "op1@alpha.example", roles=("operator",))
    colleague = make_user(tenant, "op2@alpha.example", roles=("operator",))
    assert _attack(app, tenant, actor(tenant, operator), colleague, user_rules(app)) == []


def test_an_operator_does_not_act_on_a_subscriber_who_is_also_staff(app, tenants, make_user, actor):
    tenant = tenants[0]
    operator = make_user(tenant, "op@alpha.example", roles=("operator",))
    boss = make_user(tenant, "boss@alpha.example", roles=("subscriber", "tenant_admin"))
    assert _attack(app, tenant, actor(tenant, operator), boss, user_rules(app)) == []


def test_staff_still_act_on_those_below_them(app, tenants, make_user, login):
    tenant = tenants[0]
    operator = make_user(tenant, "op@alpha.example", roles=("operator",))
    admin = make_user(tenant, "boss@alpha.example", roles=("tenant_admin",))
    subscriber = make_user(tenant, "77001@alpha.example")
    as_operator, as_admin = login(tenant, operator), login(tenant, admin)
    sheet = as_operator.submit(
        tenant_path(tenant, f"/admin/subscribers/{subscriber.id}/password"),
        form_url=tenant_path(tenant, f"/admin/subscribers/{subscriber.id}"),
    )
    assert sheet.status_code == 200 and SHEET_PASSWORD.search(sheet.get_data(as_text=True))
    sheet = as_admin.submit(
        tenant_path(tenant, f"/admin/subscribers/{operator.id}/password"),
        form_url=tenant_path(tenant, f"/admin/subscribers/{operator.id}"),
    )
    assert sheet.status_code == 200 and SHEET_PASSWORD.search(sheet.get_data(as_text=True))
    assert as_admin.get(tenant_path(tenant, f"/admin/staff/{operator.id}")).status_code == 200


def test_the_role_form_grants_only_roles_the_actor_could_grant(app, tenants, make_user, login):
    platform = tenants[1]
    admin = make_user(platform, "boss@platform.example", roles=("tenant_admin",))
    client = login(platform, admin)
    url = tenant_path(platform, f"/admin/staff/{admin.id}")
    assert 'value="platform_admin"' not in client.get(url).get_data(as_text=True)
    client.submit(url, {"roles": ["tenant_admin", "platform_admin"]})
    assert "platform.tenants" not in _permissions(app, platform, admin)
    new = client.submit(
        tenant_path(platform, "/admin/staff/new"), {"login": "root@platform.example", "role": "platform_admin"}
    )
    assert new.status_code == 200 and 'data-testid="password"' not in new.get_data(as_text=True)


def test_routes_naming_the_user_by_login_check_the_same_way(app, tenants, make_user, login):
    from core.accounts.models import AccountAccess
    from core.accounts.service import open_account

    tenant = tenants[0]
    operator = make_user(tenant, "op@alpha.example", roles=("operator",))
    admin = make_user(tenant, "boss@alpha.example", roles=("tenant_admin",))
    subscriber = make_user(tenant, "77001@alpha.example")
    with app.test_request_context(), tenant_scope(tenant.id):
        g.tenant = session.merge(tenant)
        account_id = open_account("100", holder_name="Holder", address="Street 1").id
        session.commit()
    client = login(tenant, operator)
    url = tenant_path(tenant, f"/admin/accounts/{account_id}/users")
    form_url = tenant_path(tenant, f"/admin/accounts/{account_id}")
    assert client.submit(url, {"login": admin.login}, form_url=form_url).status_code == 403
    assert client.submit(url, {"login": subscriber.login}, form_url=form_url).status_code == 302
    with app.app_context(), tenant_scope(tenant.id):
        linked = set(session.scalars(select(AccountAccess.user_id)))
    assert linked == {subscriber.id}
