"""The password policy (finding 8 of issue #10): length by role and a shipped list of common passwords."""

import tomllib
from pathlib import Path

import pytest

from core.cli.demo import PLATFORM_ADMIN
from core.identity.passwords import common_passwords, password_problem
from core.testing.fixtures import tenant_path

TENANTS = Path(__file__).resolve().parents[2] / "tenants"


@pytest.fixture
def tenant(make_tenant):
    return make_tenant("isp", login_identifier="contract")


def _change(client, tenant, current: str, new: str):
    return client.submit(
        tenant_path(tenant, "/profile/password"),
        {"pw-current_password": current, "pw-new_password": new, "pw-confirm": new},
        form_url=tenant_path(tenant, "/profile"),
    )


def test_a_common_password_is_refused_even_with_letters_and_digits(app, tenant, make_user, login):
    user = make_user(tenant, "100", password="Old-passw0rd")
    response = _change(login(tenant, user), tenant, "Old-passw0rd", "Password123")
    assert response.status_code == 400
    assert "слишком распространён" in response.get_data(as_text=True)


def test_a_long_passphrase_of_letters_only_is_accepted(app, tenant, make_user, login):
    user = make_user(tenant, "100", password="Old-passw0rd")
    assert _change(login(tenant, user), tenant, "Old-passw0rd", "зеленыйслонидетдомой").status_code == 302


def test_staff_need_ten_characters_subscribers_eight(app, tenant, make_user, login):
    subscriber = make_user(tenant, "100", password="Old-passw0rd")
    operator = make_user(tenant, "op", roles=("operator",), password="Old-passw0rd")
    refused = _change(login(tenant, operator), tenant, "Old-passw0rd", "Kx7-pq2-z")
    assert refused.status_code == 400
    assert "не короче 10" in refused.get_data(as_text=True)
    assert _change(login(tenant, subscriber), tenant, "Old-passw0rd", "Kx7-pq2-z").status_code == 302


def test_the_login_itself_is_not_a_password(app, make_tenant, make_user, login):
    tenant = make_tenant("housing", login_identifier="email")
    user = make_user(tenant, "resident@example.com", password="Old-passw0rd")
    assert _change(login(tenant, user), tenant, "Old-passw0rd", "Resident@Example.com").status_code == 400


def test_the_common_list_is_shipped_with_the_package():
    common = common_passwords()
    assert len(common) > 10_000
    assert {"password1", "qwertyuiop", "iloveyou"} <= common


def _with_passwords(node):
    if isinstance(node, dict):
        if "password" in node:
            yield node
        for value in node.values():
            yield from _with_passwords(value)
    elif isinstance(node, list):
        for value in node:
            yield from _with_passwords(value)


def test_demo_passwords_satisfy_the_policy():
    specs = [PLATFORM_ADMIN]
    for path in sorted(TENANTS.glob("*.toml")):
        specs += list(_with_passwords(tomllib.loads(path.read_text(encoding="utf-8"))))
    assert len(specs) > 5
    for spec in specs:
        staff = any(role != "subscriber" for role in spec.get("roles", ["subscriber"]))
        assert password_problem(spec["password"], staff=staff) is None, spec
