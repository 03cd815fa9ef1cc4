"""The operator sees the payments of a day, sorts them and downloads them as CSV."""

from __future__ import annotations

import re
from datetime import timedelta

from core.accounts.service import open_account
from core.db import session, tenant_scope
from core.payments.models import Payment
from core.payments.service import manual_payment
from core.testing.fixtures import tenant_path


def _pay(app, tenant, number: str, amount: int, days_ago: int = 0) -> None:
    with app.test_request_context(), tenant_scope(tenant.id):
        account = open_account(number, holder_name=f"Holder {number}")
        payment = manual_payment(account, amount, "cash", f"k-{number}")
        if days_ago:
            payment.posted_at = payment.posted_at - timedelta(days=days_ago)
        session.commit()


def test_payments_of_the_day_sort_and_download(app, make_tenant, make_user, login):
    tenant = make_tenant("cash", login_identifier="contract", locale="en")
    _pay(app, tenant, "5001", 10000)
    _pay(app, tenant, "5002", 250050)
    _pay(app, tenant, "5003", 777, days_ago=2)
    client = login(tenant, make_user(tenant, "operator", roles=("operator",)))
    page = client.get(tenant_path(tenant, "/admin/payments?sort=amount")).get_data(as_text=True)
    assert page.index("5002") < page.index("5001") and "5003" not in page
    assert "Payments: 2" in page and "at the office" in page
    with app.app_context(), tenant_scope(tenant.id):
        day = tenant.today(session.query(Payment).filter_by(account_number="5001").one().posted_at)
    response = client.get(tenant_path(tenant, f"/admin/payments?date={day.isoformat()}&sort=account&format=csv"))
    assert f'filename="payments-{day.isoformat()}.csv"' in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Time;Personal account;")
    assert lines[1].split(";")[1:5] == ["5001", "", "at the office", "100,00"]
    assert "2500,50" in lines[2] and len(lines) == 3


def test_a_subscriber_cannot_see_the_payments_of_the_day(app, make_tenant, make_user, login):
    tenant = make_tenant("cash", login_identifier="contract", locale="en")
    assert login(tenant, make_user(tenant, "5001")).get(tenant_path(tenant, "/admin/payments")).status_code == 403


def test_a_billing_day_of_payments_pages_and_the_summary_and_csv_cover_all_of_it(app, make_tenant, make_user, login):
    """130 payments: the summary counts and sums all of them, the page shows 100 and the next page the other 30
    (largest first across both), and the CSV holds all 130."""
    tenant = make_tenant("cash", login_identifier="contract", locale="en")
    for n in range(130):
        _pay(app, tenant, f"6{n:03d}", 10000 + n)
    client = login(tenant, make_user(tenant, "operator", roles=("operator",)))
    first = client.get(tenant_path(tenant, "/admin/payments?sort=amount")).get_data(as_text=True)
    total = sum(10000 + n for n in range(130)) // 100
    summary = re.search(r"Payments: [^<]*", first).group(0)
    assert summary.startswith("Payments: 130,") and re.sub(r"\D", "", summary).startswith(f"130{total}"), summary
    numbers = re.findall(r'data-label="Personal account">(6\d{3})<', first)
    assert numbers == [f"6{n:03d}" for n in range(129, 29, -1)]
    following = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert "sort=amount" in following
    rest = re.findall(r'data-label="Personal account">(6\d{3})<', client.get(following).get_data(as_text=True))
    assert rest == [f"6{n:03d}" for n in range(29, -1, -1)]
    csv = client.get(tenant_path(tenant, "/admin/payments?format=csv")).get_data(as_text=True)
    assert len(csv.lstrip("\ufeff").splitlines()) == 131
