"""``abonent users`` and ``abonent ledger``: features' commands, added through ``register_commands``."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from core.cli.main import cli
from core.testing.fixtures import tenant_path


@pytest.fixture
def runner(app, monkeypatch):
    monkeypatch.setenv("ABONENT_DATABASE_URL", app.config["DATABASE_URL"])
    return CliRunner()


def test_a_user_created_and_blocked_on_the_command_line(app, make_tenant, runner):
    tenant = make_tenant("acme", login_identifier="contract")
    created = runner.invoke(cli, ["users", "create", "777", "--tenant", "acme", "--password", "Passw0rd-1"])
    assert created.exit_code == 0, created.output
    assert "created 777 in acme" in created.output
    client = app.test_client()
    login = client.post(tenant_path(tenant, "/api/v1/auth/login"), json={"login": "777", "password": "Passw0rd-1"})
    assert login.status_code == 200

    blocked = runner.invoke(cli, ["users", "block", "777", "--tenant", "acme"])
    assert blocked.exit_code == 0, blocked.output
    login = client.post(tenant_path(tenant, "/api/v1/auth/login"), json={"login": "777", "password": "Passw0rd-1"})
    assert login.status_code == 401


def test_the_ledger_check_says_each_tenant_is_in_order(app, make_tenant, runner):
    make_tenant("acme")
    result = runner.invoke(cli, ["ledger", "check", "--tenant", "acme"])
    assert result.exit_code == 0, result.output
    assert "acme: ok" in result.output
