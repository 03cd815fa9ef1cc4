"""The ``money_owed`` and ``charge_outlook`` hooks: what a plugin knows of credit owed back and of the charges
ahead makes every place that shows money count the credit as debt and the days as really charged."""

from datetime import date, timedelta

import pytest

from core.accounts.service import grant_access, open_account
from core.db import session, tenant_scope
from core.identity.models import User
from core.ledger import service as ledger
from core.money.outlook import days_covered, stops_on
from core.plugins.markers import hookimpl
from core.plugins.types import ChargeOutlook, CostSpan, MoneyOwed, PluginInfo
from core.testing.fixtures import tenant_path

TODAY = date(2026, 12, 3)


class Lender:
    plugin_info = PluginInfo(name="lender", version="0.1", title="Lender")

    @staticmethod
    @hookimpl
    def money_owed(tenant, account, at):
        return [MoneyOwed(150_000, tenant.today() + timedelta(days=4), "Promised payment")]

    @staticmethod
    @hookimpl
    def charge_outlook(tenant, account, today):
        # ten free days (a voluntary block without a fee), then 10 ₽ a day
        return ChargeOutlook(
            (CostSpan(today, today + timedelta(days=9), 0), CostSpan(today + timedelta(days=10), None, 1_000)),
            period_end=today + timedelta(days=19),
        )


@pytest.fixture
def app_plugins():
    return [Lender]


def test_the_card_and_the_api_count_the_credit_as_debt(app, make_tenant, make_user, enable_plugin, login, api_token):
    tenant = make_tenant("lend", login_identifier="contract", locale="en")
    user = make_user(tenant, "1")
    with app.app_context(), tenant_scope(tenant.id):
        account = open_account("1")
        grant_access(session.get(User, user.id), account)
        ledger.transfer("p", "payment", ledger.clearing_account("bank"), account.ledger_account, 155_000)
        session.commit()
        account_id = account.id
    enable_plugin(tenant, "lender")
    page = login(tenant, user).get(tenant_path(tenant, "/money/")).get_data(as_text=True).replace("\u00a0", " ")
    assert "Promised payment: 1,500.00 ₽ will be debited on" in page
    assert "Your own money: 50.00 ₽." in page
    assert "Your own money is enough for 15 days" in page  # 10 free days, then 50 ₽ at 10 ₽ a day
    assert "Pay 50.00 ₽ to keep the services on through" in page  # 1 500 owed + 10 paid days × 10 ₽ − 1 550
    body = (
        app.test_client()
        .get(
            tenant_path(tenant, f"/api/v1/accounts/{account_id}"),
            headers={"Authorization": f"Bearer {api_token(tenant, user)}"},
        )
        .get_json()
    )
    assert (body["balance"], body["own"], body["debt"], body["days_left"]) == (155_000, 5_000, 0, 15)
    assert body["owed"][0]["amount"] == 150_000


def test_days_covered_and_the_day_services_stop():
    outlook = ChargeOutlook((CostSpan(TODAY, None, 1_000),), TODAY + timedelta(days=28))
    assert days_covered(outlook, 3_500) == (3, TODAY + timedelta(days=2))
    assert days_covered(outlook, -1) == (0, None)
    owed = (MoneyOwed(5_000, TODAY + timedelta(days=1), "credit"),)
    assert stops_on(outlook, 8_000, owed, TODAY) == TODAY + timedelta(days=3)  # 7 000, 1 000, 0, then below zero
    assert stops_on(outlook, 6_000, owed, TODAY) == TODAY + timedelta(days=1)
    assert stops_on(ChargeOutlook((), TODAY, blocked=True), 0, (), TODAY) is None


def test_the_cost_ahead_adds_up_overlapping_and_ending_spans_day_by_day():
    """A tariff, a freeze at a small fee over it and an add-on that ends: each day costs what covers it."""
    spans = (
        CostSpan(TODAY, None, 1_000),  # the tariff
        CostSpan(TODAY + timedelta(days=5), TODAY + timedelta(days=9), 300),  # a voluntary block's fee
        CostSpan(TODAY + timedelta(days=2), TODAY + timedelta(days=3), 50),  # an add-on ending soon
    )
    outlook = ChargeOutlook(spans, TODAY + timedelta(days=30))
    by_day = [outlook.cost_on(TODAY + timedelta(days=n)) for n in range(12)]
    assert by_day == [1_000, 1_000, 1_050, 1_050, 1_000, 1_300, 1_300, 1_300, 1_300, 1_300, 1_000, 1_000]
    assert outlook.cost_on(TODAY - timedelta(days=1)) == 0
    assert outlook.cost_through(TODAY + timedelta(days=11)) == sum(by_day)
    assert outlook.cost_through(TODAY + timedelta(days=3)) == sum(by_day[:4])
    assert outlook.cost_through(TODAY - timedelta(days=1)) == 0
    assert ChargeOutlook((), TODAY).cost_through(TODAY + timedelta(days=30)) == 0
    assert days_covered(outlook, 4_100) == (4, TODAY + timedelta(days=3))
