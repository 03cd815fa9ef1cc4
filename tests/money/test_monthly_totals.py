"""Monthly statistics are summed by the database: the right month in the tenant's time zone, corrections and
reversals on the right side, and one statement however many operations the year holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.accounts.service import open_account
from core.db import session, tenant_scope
from core.ledger import service as ledger
from core.money.figures import MonthTotals, monthly_totals
from core.tenants.models import Tenant
from core.testing.statements import counted_statements


@pytest.fixture
def isp(make_tenant):
    return make_tenant("isp", login_identifier="contract", timezone="Asia/Yekaterinburg")  # UTC+5


def test_months_in_the_tenants_time_zone_with_corrections_and_reversals(app, isp):
    with app.app_context(), tenant_scope(isp.id):
        tenant = session.get(Tenant, isp.id)
        account = open_account("100200", holder_name="Иванов И.И.")
        mine = account.ledger_account
        bank, revenue = ledger.clearing_account("sberbank"), ledger.revenue_account("internet")
        other = ledger.revenue_account("tv")
        # 30 September 20:00 UTC is 1 October 01:00 in Yekaterinburg: an October payment.
        ledger.transfer("p1", "payment", bank, mine, 50_000, occurred_at=datetime(2026, 9, 30, 20, tzinfo=UTC))
        ledger.transfer("p0", "payment", bank, mine, 1_000, occurred_at=datetime(2026, 9, 30, 18, tzinfo=UTC))
        charge = ledger.transfer(
            "c1", "charge", mine, revenue, 60_000, service="internet", occurred_at=datetime(2026, 10, 3, tzinfo=UTC)
        )
        ledger.transfer("c2", "charge", mine, other, 5_000, occurred_at=datetime(2026, 10, 4, tzinfo=UTC))
        ledger.reverse(charge, "wrong tariff", key="r1")  # gives 600 roubles back: October's charges drop
        ledger.transfer("k1", "correction", bank, mine, 700, occurred_at=datetime(2026, 11, 2, tzinfo=UTC))
        ledger.transfer("k2", "correction", mine, bank, 300, occurred_at=datetime(2026, 11, 3, tzinfo=UTC))
        ledger.transfer("late", "payment", bank, mine, 9_999, occurred_at=datetime(2026, 12, 31, 19, 30, tzinfo=UTC))
        session.commit()
        reversal_month = datetime.now(UTC).astimezone(tenant.zone).strftime("%Y-%m")
        with counted_statements(app) as statements:
            totals = monthly_totals(tenant, account, "2026-09", "2026-12")
        assert len([s for s in statements if "postings" in s]) == 1  # (PostgreSQL also sets the tenant)
    expected = {
        "2026-09": MonthTotals("2026-09", 1_000, 0),
        "2026-10": MonthTotals("2026-10", 50_000, 65_000),
        "2026-11": MonthTotals("2026-11", 700, 300),
        "2026-12": MonthTotals("2026-12", 0, 0),  # 31 December 19:30 UTC is already January there
    }
    if reversal_month in expected:  # the reversal is dated today
        month = expected[reversal_month]
        expected[reversal_month] = MonthTotals(month.month, month.paid, month.charged - 60_000)
    assert totals == list(expected.values())


def test_a_year_of_many_operations_is_one_statement_of_twelve_rows(app, isp):
    with app.app_context(), tenant_scope(isp.id):
        tenant = session.get(Tenant, isp.id)
        account = open_account("100200", holder_name="Иванов И.И.")
        bank, revenue = ledger.clearing_account("sberbank"), ledger.revenue_account("internet")
        first = datetime(2025, 1, 1, 6, tzinfo=UTC)
        transfers = []
        for day in range(365):
            moment = first + timedelta(days=day)
            transfers.append(
                ledger.Transfer(f"p{day}", "payment", bank.id, account.ledger_account_id, 300, None, None, moment)
            )
            transfers.append(
                ledger.Transfer(
                    f"c{day}", "charge", account.ledger_account_id, revenue.id, 200, "internet", None, moment
                )
            )
        ledger.post_transfers(transfers)
        session.commit()
        with counted_statements(app) as statements:
            totals = monthly_totals(tenant, account, "2025-01", "2025-12")
        assert len([s for s in statements if "postings" in s]) == 1  # (PostgreSQL also sets the tenant)
    days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    assert totals == [MonthTotals(f"2025-{n:02d}", 300 * d, 200 * d) for n, d in enumerate(days, 1)]
