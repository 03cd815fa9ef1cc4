"""The daily_cost hook: a plugin that knows what an account costs per day makes the balance card say how
long the money lasts (web and API)."""

from datetime import date

import pytest

from core.accounts.service import grant_access, open_account
from core.db import session, tenant_scope
from core.identity.models import User
from core.ledger import service as ledger
from core.plugins.markers import hookimpl
from core.plugins.types import PluginInfo
from core.testing.fixtures import tenant_path


class Tariffs:
    plugin_info = PluginInfo(name="tariffs", version="0.1", title="Tariffs")

    @staticmethod
    @hookimpl
    def daily_cost(tenant, account):
        return 2_000  # 20 ₽ a day


@pytest.fixture
def app_plugins():
    return [Tariffs]


def test_enough_for_n_days_from_the_plugins_daily_cost(app, make_tenant, make_user, enable_plugin, login, api_token):
    tenant = make_tenant("isp", login_identifier="contract")
    user = make_user(tenant, "1")
    with app.app_context(), tenant_scope(tenant.id):
        account = open_account("1")
        grant_access(session.get(User, user.id), account)
        ledger.transfer("p", "payment", ledger.clearing_account("bank"), account.ledger_account, 10_100)
        session.commit()
        account_id = account.id
    client = login(tenant, user)
    before = (
        app.test_client()
        .get(
            tenant_path(tenant, f"/api/v1/accounts/{account_id}"),
            headers={"Authorization": f"Bearer {api_token(tenant, user)}"},
        )
        .get_json()
    )
    assert before["daily_cost"] is None  # the plugin is not enabled for this tenant yet
    enable_plugin(tenant, "tariffs")
    page = client.get(tenant_path(tenant, "/money/")).get_data(as_text=True)
    assert "5" in page and ("дн" in page or "days" in page)
    after = (
        app.test_client()
        .get(
            tenant_path(tenant, f"/api/v1/accounts/{account_id}"),
            headers={"Authorization": f"Bearer {api_token(tenant, user)}"},
        )
        .get_json()
    )
    assert after["daily_cost"] == 2_000 and after["days_left"] == 5
    assert date.fromisoformat(after["paid_until"]) > date(2020, 1, 1)


class Guarding:
    plugin_info = PluginInfo(name="guarding", version="0.1", title="Guarding")

    @staticmethod
    @hookimpl
    def daily_cost(tenant, account):
        return 3_000  # 30 ₽ a day, besides the tariffs' 20 ₽


class Silent:
    plugin_info = PluginInfo(name="silent", version="0.1", title="Silent")

    @staticmethod
    @hookimpl
    def daily_cost(tenant, account):
        return None  # does not know this account


@pytest.mark.parametrize("app_plugins", [[Tariffs, Guarding, Silent]])
def test_daily_costs_of_several_plugins_add_up(app, make_tenant, make_user, enable_plugin, api_token):
    tenant = make_tenant("isp", login_identifier="contract")
    user = make_user(tenant, "1")
    with app.app_context(), tenant_scope(tenant.id):
        account = open_account("1")
        grant_access(session.get(User, user.id), account)
        ledger.transfer("p", "payment", ledger.clearing_account("bank"), account.ledger_account, 10_100)
        session.commit()
        account_id = account.id
    for name in ("tariffs", "guarding", "silent"):
        enable_plugin(tenant, name)
    answer = (
        app.test_client()
        .get(
            tenant_path(tenant, f"/api/v1/accounts/{account_id}"),
            headers={"Authorization": f"Bearer {api_token(tenant, user)}"},
        )
        .get_json()
    )
    assert answer["daily_cost"] == 5_000 and answer["days_left"] == 2
