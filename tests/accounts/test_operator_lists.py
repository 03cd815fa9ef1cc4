"""The operator's account search and account statement: pages that follow one another, the total, and a number of
SQL statements that does not grow with the rows (10 or 1,000 charges, 10 or 1,000 accounts)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from core.accounts.models import PersonalAccount
from core.accounts.service import open_account
from core.db import session, tenant_scope
from core.ledger import service as ledger
from core.testing.fixtures import tenant_path
from core.testing.statements import counted_statements
from core.testing.web import link_by_rel

PERIOD = "from=2026-01-01&to=2026-12-31"
FIRST_CHARGE = datetime(2026, 5, 1, 6, tzinfo=UTC)


@pytest.fixture
def isp(make_tenant, enable_plugin):
    """A provider with the isp plugin, whose service names come from its catalogue (a query per line before)."""
    tenant = make_tenant("isp", login_identifier="contract", timezone="Asia/Yekaterinburg", locale="en")
    enable_plugin(tenant, "isp", {})
    return tenant


@pytest.fixture
def operator(isp, make_user, login):
    return login(isp, make_user(isp, "op", roles=("operator",)))


@pytest.fixture
def account_id(app, isp) -> int:
    with app.app_context(), tenant_scope(isp.id):
        account = open_account("100200", holder_name="Иванов И.И.", address="ул. Ленина, 1")
        session.commit()
        return account.id


def _charge(app, isp, account_id: int, first: int, count: int) -> None:
    """Charges number ``first`` … ``first + count - 1``: charge ``n`` is ``n + 1`` roubles, an hour after ``n - 1``."""
    with app.app_context(), tenant_scope(isp.id):
        account = session.get(PersonalAccount, account_id)
        revenue = ledger.revenue_account("internet")
        ledger.post_transfers(
            [
                ledger.Transfer(
                    f"charge:{n}",
                    "charge",
                    account.ledger_account_id,
                    revenue.id,
                    (n + 1) * 100,
                    service="internet",
                    period="2026-05",
                    occurred_at=FIRST_CHARGE + timedelta(hours=n),
                )
                for n in range(first, first + count)
            ]
        )
        session.commit()


def _charges_shown(page: str) -> list[int]:
    """The numbers of the charges on a statement page (charge ``n`` is ``n + 1`` roubles), top to bottom."""
    amounts = re.findall(r'class="num minus">([^<]*)</td>', page)
    return [int(re.sub(r"\D", "", text)) // 100 - 1 for text in amounts]


def _statement(client, isp, account_id: int, query: str = PERIOD) -> str:
    response = client.get(tenant_path(isp, f"/admin/accounts/{account_id}?{query}"))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_statement_pages_follow_one_another_with_the_total(app, isp, operator, account_id):
    _charge(app, isp, account_id, 0, 120)
    first = _statement(operator, isp, account_id)
    assert _charges_shown(first) == list(range(119, 69, -1))  # newest first
    assert "1–50 of 120" in first and link_by_rel(first, "prev") is None
    second = _statement(operator, isp, account_id, link_by_rel(first, "next").split("?", 1)[1])
    assert _charges_shown(second) == list(range(69, 19, -1)) and "51–100 of 120" in second
    assert "from=2026-01-01" in link_by_rel(second, "next")  # the period stays chosen
    third = _statement(operator, isp, account_id, link_by_rel(second, "next").split("?", 1)[1])
    assert _charges_shown(third) == list(range(19, -1, -1)) and "101–120 of 120" in third
    assert link_by_rel(third, "next") is None
    back = _statement(operator, isp, account_id, link_by_rel(third, "prev").split("?", 1)[1])
    assert _charges_shown(back) == _charges_shown(second) and "51–100 of 120" in back
    # The period still limits the rows and the total: the first 30 charges fall on 1–2 May.
    may = _statement(operator, isp, account_id, "from=2026-05-01&to=2026-05-02")
    assert "of 120" not in may and len(_charges_shown(may)) == len(set(_charges_shown(may))) > 0


def test_statement_of_a_thousand_charges_runs_as_many_statements_as_of_ten(app, isp, operator, account_id):
    _charge(app, isp, account_id, 0, 10)
    _statement(operator, isp, account_id)  # warm up (plugin state, settings)
    with counted_statements(app) as small:
        assert len(_charges_shown(_statement(operator, isp, account_id))) == 10
    _charge(app, isp, account_id, 10, 990)
    with counted_statements(app) as large:
        page = _statement(operator, isp, account_id)
    assert len(_charges_shown(page)) == 50 and "1–50 of 1000" in page
    assert len(large) == len(small), (
        f"{len(small)} statements for 10 charges, {len(large)} for 1,000:\n{large.report()}"
    )
    assert len(large) <= 16, large.report()  # 14 today: the shell, the account, count, page, service names


def _open_accounts(app, isp, first: int, count: int) -> None:
    with app.app_context(), tenant_scope(isp.id):
        for n in range(first, first + count):
            open_account(f"7{n:05d}", holder_name=f"Holder {n}", address=f"Lenina St, {n}")
        session.commit()


def _numbers_shown(page: str) -> list[str]:
    return re.findall(r'class="mono">(\d+)</a>', page)


def test_account_search_pages_follow_one_another_with_the_total(app, isp, operator):
    _open_accounts(app, isp, 0, 120)
    _open_accounts(app, isp, 500, 3)  # "Lenina St, 50x" and "70050x": found too, by address and number
    first = operator.get(tenant_path(isp, "/admin/accounts?q=lenina")).get_data(as_text=True)
    assert _numbers_shown(first) == [f"7{n:05d}" for n in range(50)] and "1–50 of 123" in first
    following = link_by_rel(first, "next")
    assert "q=lenina" in following
    second = operator.get(following).get_data(as_text=True)
    assert _numbers_shown(second) == [f"7{n:05d}" for n in range(50, 100)] and "51–100 of 123" in second
    third = operator.get(link_by_rel(second, "next")).get_data(as_text=True)
    assert _numbers_shown(third) == [f"7{n:05d}" for n in (*range(100, 120), 500, 501, 502)]
    assert "101–123 of 123" in third and link_by_rel(third, "next") is None
    narrow = operator.get(tenant_path(isp, "/admin/accounts?q=Lenina St, 11")).get_data(as_text=True)
    assert _numbers_shown(narrow) == [f"7{n:05d}" for n in (11, *range(110, 120))] and "1–11 of 11" in narrow
    assert link_by_rel(narrow, "next") is None


def test_account_search_of_a_thousand_accounts_runs_as_many_statements_as_of_ten(app, isp, operator):
    _open_accounts(app, isp, 0, 10)
    url = tenant_path(isp, "/admin/accounts?q=lenina")
    operator.get(url)  # warm up
    with counted_statements(app) as small:
        assert len(_numbers_shown(operator.get(url).get_data(as_text=True))) == 10
    _open_accounts(app, isp, 10, 990)
    with counted_statements(app) as large:
        page = operator.get(url).get_data(as_text=True)
    assert len(_numbers_shown(page)) == 50 and "1–50 of 1000" in page
    assert len(large) == len(small), f"{len(small)} statements for 10 accounts, {len(large)} for 1,000"
    assert len(large) <= 12, large.report()  # 10 today: the shell, count and page
