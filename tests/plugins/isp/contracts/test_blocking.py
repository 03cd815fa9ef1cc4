"""Debt blocking around the charge run: at once or after a grace period, reminders before, notices at
the block, no charges while blocked, "enough for N days", and a card payment that unblocks at once."""

from __future__ import annotations

import hashlib
import re
from datetime import date

from sqlalchemy import select

from core.api import session, tenant_scope
from core.notify.models import Notification
from core.testing.fixtures import tenant_path
from plugins.isp.charging.service import charge_day
from plugins.isp.common.calendar import days_in_month, tenant_today
from plugins.isp.contracts import state
from plugins.isp.models import Contract
from tests.plugins.isp.conftest import as_utc

FEB = date(2026, 2, 1)
DAILY = 1786  # 500 ₽ / 28 days, rounded up (the daily cost); a February day costs 1785 or 1786


def day(n: int) -> date:
    return date(2026, 2, n)


def run(tenant, n: int):
    """The charge run for February ``n``, on time (so that day is the tenant's today)."""
    return charge_day(tenant, day(n), now=as_utc(day(n)))


def notices(made, kind: str | None = None) -> list[tuple[str, str, str]]:
    query = select(Notification.kind, Notification.title, Notification.body).where(Notification.user_id == made.user_id)
    if kind:
        query = query.where(Notification.kind == kind)
    return [tuple(row) for row in session.execute(query.order_by(Notification.id))]


def test_with_no_grace_a_charge_into_debt_blocks_at_once(app, isp_tenant, catalog, contract_from):
    tenant = isp_tenant(locale="en")
    catalog(tenant)
    made = contract_from(tenant, "100", FEB, balance=1000)
    with app.app_context(), tenant_scope(tenant.id):
        result = run(tenant, 5)
        contract = session.get(Contract, made.id)
        assert contract.account.balance == 1000 - 1786
        assert contract.is_blocked and contract.negative_since == day(5)
        assert result.blocked == 1
        assert [s.status for s in state.service_states(contract, day(5))] == [state.S_BLOCKED]
        blocked = notices(made, "isp_service_state")
        assert len(blocked) == 1 and "blocked for debt" in blocked[0][1]
        assert notices(made, "low_balance") == []  # the block notice says it all


def test_with_a_grace_period_services_block_only_after_it(app, isp_tenant, catalog, contract_from):
    tenant = isp_tenant(locale="en", settings={"block_grace_days": 2})
    catalog(tenant)
    made = contract_from(tenant, "100", FEB, balance=1000)
    with app.app_context(), tenant_scope(tenant.id):
        assert run(tenant, 5).blocked == 0  # in debt from the 5th
        assert run(tenant, 6).blocked == 0
        contract = session.get(Contract, made.id)
        assert not contract.is_blocked and contract.negative_since == day(5)
        # Before the block, the subscriber is warned that the services will be blocked.
        warned = notices(made, "low_balance")
        assert len(warned) == 2 and "will be blocked" in warned[0][2]
        assert run(tenant, 7).blocked == 1
        session.refresh(contract)
        assert contract.is_blocked
        assert len(notices(made, "isp_service_state")) == 1


def test_blocked_contracts_are_not_charged_and_those_days_are_never_billed(app, isp_tenant, catalog, contract_from):
    from core.api import ledger
    from plugins.isp.charging.service import charge_until
    from plugins.isp.contracts import blocking

    tenant = isp_tenant(locale="en")
    catalog(tenant)
    made = contract_from(tenant, "100", FEB, products=("inet100", "tvbase"), balance=1000)
    with app.app_context(), tenant_scope(tenant.id):
        run(tenant, 5)
        contract = session.get(Contract, made.id)
        debt = contract.account.balance
        assert contract.is_blocked
        later = run(tenant, 6)
        assert (later.charges, later.skipped_blocked) == (0, 2)
        assert contract.account.balance == debt
        # Paid on the 9th: unblocked; the days 6–8 it was blocked are not caught up.
        for n in (7, 8):
            run(tenant, n)
        ledger.transfer("test:pay", "payment", ledger.clearing_account("test"), contract.account.ledger_account, 50_000)
        assert blocking.refresh(tenant, contract, as_utc(day(9))) == blocking.UNBLOCKED
        session.commit()
        results = charge_until(tenant, day(9), now=as_utc(day(9)))
        assert [(r.day, r.charges) for r in results] == [(day(9), 2)]


def test_a_low_balance_reminder_goes_once_per_contract_and_day(app, isp_tenant, catalog, contract_from):
    tenant = isp_tenant(locale="en", settings={"low_balance_days": 3})
    catalog(tenant)
    low = contract_from(tenant, "100", FEB, balance=6 * DAILY)
    rich = contract_from(tenant, "200", FEB, balance=100 * DAILY)
    with app.app_context(), tenant_scope(tenant.id):
        run(tenant, 5)  # 6 days of money − 1 = 5 left: no reminder yet
        assert notices(low, "low_balance") == []
        run(tenant, 6)
        run(tenant, 7)  # 3 days left
        reminded = notices(low, "low_balance")
        assert len(reminded) == 1 and "enough for 3 days" in reminded[0][2]
        run(tenant, 7)  # a second run the same day: nothing more
        assert len(notices(low, "low_balance")) == 1
        run(tenant, 8)
        assert len(notices(low, "low_balance")) == 2
        assert notices(rich, "low_balance") == []


def test_low_balance_reminders_can_be_turned_off(app, isp_tenant, catalog, contract_from):
    tenant = isp_tenant(locale="en", settings={"low_balance_days": 0})
    catalog(tenant)
    low = contract_from(tenant, "100", FEB, balance=2 * DAILY)
    with app.app_context(), tenant_scope(tenant.id):
        run(tenant, 5)
        assert notices(low, "low_balance") == []


def test_the_balance_card_says_how_many_days_the_money_lasts(app, isp_tenant, catalog, make_contract, login):
    tenant = isp_tenant(locale="ru")
    catalog(tenant)
    made = make_contract(tenant, "100", balance=10_000)
    today = tenant_today(tenant)
    cost = -(-50_000 // days_in_month(today))
    page = login(tenant, made).get(tenant_path(tenant, "/money/")).get_data(as_text=True)
    days = re.search(r"Ваших средств хватит на (\d+) д", page.replace("\u00a0", " "))
    # a day costs the fee over its month's days: across a month's end the count may differ by one
    assert days is not None and abs(int(days[1]) - 10_000 // cost) <= 1


# --- a card payment unblocks in the same request --------------------------------------------------

SECRET = "pk-secret-isp"


def configure_paykeeper(app, tenant) -> None:
    from core.settings.service import get_settings, save_settings

    with app.app_context(), tenant_scope(tenant.id):
        values = {"secret": SECRET, "sandbox": False, "server_url": "https://isp.server.paykeeper.ru"}
        save_settings("payments.paykeeper", get_settings("payments.paykeeper") | values)
        session.commit()


def test_a_paykeeper_payment_unblocks_services_in_the_same_request(app, isp_tenant, catalog, make_contract):
    from core.accounts.models import PersonalAccount
    from core.payments.service import create_card_order

    tenant = isp_tenant()
    catalog(tenant)
    made = make_contract(tenant, "700100", products=("inet100", "tvbase"), balance=-5000, blocked=True)
    configure_paykeeper(app, tenant)
    with app.app_context(), tenant_scope(tenant.id):
        order = create_card_order(session.get(PersonalAccount, made.account_id), 10_000, "paykeeper").order_id
        session.commit()
        contract = session.get(Contract, made.id)
        assert contract.is_blocked
    key = hashlib.md5(f"90001100.00700100{order}{SECRET}".encode()).hexdigest()
    fields = {"id": "90001", "sum": "100.00", "clientid": "700100", "orderid": order, "key": key}
    response = app.test_client().post(tenant_path(tenant, "/payments/paykeeper/notify"), data=fields)
    assert response.status_code == 200 and response.get_data(as_text=True).startswith("OK ")
    with app.app_context(), tenant_scope(tenant.id):
        contract = session.get(Contract, made.id)
        assert contract.account.balance == 5000
        assert contract.blocked_since is None and contract.negative_since is None
        statuses = {s.product.code: s.status for s in state.service_states(contract, tenant_today(tenant))}
        assert statuses == {"inet100": state.S_ACTIVE, "tvbase": state.S_ACTIVE, "kids": state.S_ACTIVE}
        assert len(notices(made, "isp_service_state")) == 1  # "active again"
