"""The subscriber's money pages and the operator's account tools."""

from datetime import UTC, datetime

import pytest

from core.accounts.service import grant_access, open_account
from core.db import session, tenant_scope
from core.identity.models import User
from core.ledger import service as ledger
from core.testing.fixtures import tenant_path


@pytest.fixture
def isp(make_tenant):
    return make_tenant("isp", login_identifier="contract", timezone="Asia/Yekaterinburg")


@pytest.fixture
def subscriber(app, isp, make_user):
    user = make_user(isp, "100200", full_name="Иванов")
    with app.app_context(), tenant_scope(isp.id):
        first = open_account("100200", holder_name="Иванов И.И.", address="ул. Ленина, 1")
        second = open_account("100201", holder_name="Иванов И.И.", address="ул. Мира, 2")
        grant_access(session.get(User, user.id), first)
        grant_access(session.get(User, user.id), second)
        clearing = ledger.clearing_account("sberbank")
        revenue = ledger.revenue_account("internet")
        ledger.transfer(
            "p1", "payment", clearing, first.ledger_account, 50_000, occurred_at=datetime(2026, 9, 5, 6, tzinfo=UTC)
        )
        ledger.transfer(
            "c1",
            "charge",
            first.ledger_account,
            revenue,
            60_000,
            service="internet",
            period="2026-10",
            occurred_at=datetime(2026, 10, 1, 6, tzinfo=UTC),
        )
        ledger.transfer(
            "p2", "payment", clearing, second.ledger_account, 700, occurred_at=datetime(2026, 10, 2, tzinfo=UTC)
        )
        session.commit()
        user.accounts = (first.id, second.id)
    return user


def test_balance_history_and_debt_are_shown(app, isp, subscriber, login):
    client = login(isp, subscriber)
    page = client.get(tenant_path(isp, "/money/")).get_data(as_text=True)
    assert ("100200" in page and "−100,00" in page.replace("-", "−")) or "-100,00" in page
    history = client.get(tenant_path(isp, "/money/history?kind=payment")).get_data(as_text=True)
    assert "500,00" in history and "600,00" not in history
    dashboard = client.get(tenant_path(isp, "/")).get_data(as_text=True)
    assert "100,00" in dashboard  # the balance card with the debt


def test_switching_accounts(app, isp, subscriber, login):
    client = login(isp, subscriber)
    second = subscriber.accounts[1]
    client.submit(tenant_path(isp, "/money/switch"), {"account_id": second}, form_url=tenant_path(isp, "/money/"))
    page = client.get(tenant_path(isp, "/money/")).get_data(as_text=True)
    assert "ул. Мира, 2" in page and "7,00" in page


def test_switching_to_someone_elses_account_is_404(app, isp, subscriber, make_user, login):
    other = make_user(isp, "999")
    with app.app_context(), tenant_scope(isp.id):
        foreign = open_account("999", holder_name="Чужой")
        grant_access(session.get(User, other.id), foreign)
        session.commit()
        foreign_id = foreign.id
    client = login(isp, subscriber)
    response = client.submit(
        tenant_path(isp, "/money/switch"), {"account_id": foreign_id}, form_url=tenant_path(isp, "/money/")
    )
    assert response.status_code == 404


def test_statistics_by_month(app, isp, subscriber, login):
    client = login(isp, subscriber)
    page = client.get(tenant_path(isp, "/money/stats?from=2026-09&to=2026-10")).get_data(as_text=True)
    assert "<svg" in page and "2026-09" in page and "2026-10" in page
    assert "500,00" in page and "600,00" in page


def test_api_accounts_operations_and_stats(app, isp, subscriber, api_token):
    headers = {"Authorization": f"Bearer {api_token(isp, subscriber)}"}
    client = app.test_client()
    accounts = client.get(tenant_path(isp, "/api/v1/accounts"), headers=headers).get_json()
    assert [(a["number"], a["balance"], a["debt"]) for a in accounts] == [
        ("100200", -10_000, 10_000),
        ("100201", 700, 0),
    ]
    first = accounts[0]["id"]
    ops = client.get(tenant_path(isp, f"/api/v1/accounts/{first}/operations?kind=charge"), headers=headers).get_json()
    assert [(o["kind"], o["amount"], o["service"]) for o in ops] == [("charge", -60_000, "internet")]
    stats = client.get(
        tenant_path(isp, f"/api/v1/accounts/{first}/stats?from=2026-09&to=2026-10"), headers=headers
    ).get_json()
    assert stats == [
        {"month": "2026-09", "paid": 50_000, "charged": 0},
        {"month": "2026-10", "paid": 0, "charged": 60_000},
    ]
    bad = client.get(tenant_path(isp, f"/api/v1/accounts/{first}/stats?from=2026-13&to=2026-10"), headers=headers)
    assert bad.status_code == 422 and "from" in bad.get_json()["errors"]


def test_operator_finds_an_account_takes_a_payment_once_and_corrects(app, isp, subscriber, make_user, login):
    operator = login(isp, make_user(isp, "op", roles=("operator",)))
    found = operator.get(tenant_path(isp, "/admin/accounts?q=мира")).get_data(as_text=True)
    assert "100201" in found and "100200" not in found
    account_id = subscriber.accounts[0]
    url = tenant_path(isp, f"/admin/accounts/{account_id}")
    form = {"amount": "150,50", "reason": "касса", "key": "form-1"}
    operator.submit(tenant_path(isp, f"/admin/accounts/{account_id}/payment"), form, form_url=url)
    operator.submit(tenant_path(isp, f"/admin/accounts/{account_id}/payment"), form, form_url=url)  # double submit
    page = operator.get(url).get_data(as_text=True)
    assert "50,50" in page  # −100,00 + 150,50
    refused = operator.submit(
        tenant_path(isp, f"/admin/accounts/{account_id}/correction"),
        {"amount": "-10", "reason": "ошибка", "key": "c"},
        form_url=url,
    )
    assert refused.status_code == 403  # corrections need the admin's permission
    admin = login(isp, make_user(isp, "boss", roles=("tenant_admin",)))
    admin.submit(
        tenant_path(isp, f"/admin/accounts/{account_id}/correction"),
        {"amount": "-10", "reason": "ошибка тарифа", "key": "c"},
        form_url=url,
    )
    assert "40,50" in admin.get(url).get_data(as_text=True)
    audit = admin.get(tenant_path(isp, "/admin/audit")).get_data(as_text=True)
    assert "payment.manual" in audit and "ledger.correction" in audit and "ошибка тарифа" in audit
    with app.app_context(), tenant_scope(isp.id):
        assert ledger.check() == []


def test_receipt_page_and_pdf(app, make_tenant, make_user, login):
    tenant = make_tenant(
        "bank",
        login_identifier="contract",
        legal={"full_name": "ООО «Ромашка»", "inn": "7707083893", "kpp": "773601001"},
        bank={
            "bank_name": "ПАО Сбербанк",
            "bic": "044525225",
            "account": "40702810938000000001",
            "corr_account": "30101810400000000225",
        },
    )
    user = make_user(tenant, "5")
    with app.app_context(), tenant_scope(tenant.id):
        account = open_account("5", holder_name="Петров П.П.")
        grant_access(session.get(User, user.id), account)
        ledger.transfer(
            "c",
            "charge",
            account.ledger_account,
            ledger.revenue_account("internet"),
            45_000,
            service="internet",
            period="2026-10",
            occurred_at=datetime(2026, 10, 1, 6, tzinfo=UTC),
        )
        session.commit()
    client = login(tenant, user)
    page = client.get(tenant_path(tenant, "/money/receipt?period=2026-10"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<svg" in html and "ООО «Ромашка»" in html and "450,00" in html
    pdf = client.get(tenant_path(tenant, "/money/receipt.pdf?period=2026-10"))
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert client.get(tenant_path(tenant, "/money/receipt?period=2026-13")).status_code == 404


def test_the_account_switcher_never_redirects_off_the_site(app, isp, subscriber, login):
    client = login(isp, subscriber)
    second = subscriber.accounts[1]
    for hostile in ("https://evil.example/", "//evil.example", "/\\evil.example"):
        response = client.submit(
            tenant_path(isp, "/money/switch"),
            {"account_id": second, "next": hostile},
            form_url=tenant_path(isp, "/money/"),
        )
        assert response.status_code == 302
        assert "evil.example" not in response.headers["Location"]
    response = client.submit(
        tenant_path(isp, "/money/switch"),
        {"account_id": second, "next": "/money/history"},
        form_url=tenant_path(isp, "/money/"),
    )
    assert response.headers["Location"].endswith(tenant_path(isp, "/money/history"))


def test_the_pay_form_suggests_the_debt_in_rubles_and_kopecks(app, isp, subscriber, login):
    client = login(isp, subscriber)
    page = client.get(tenant_path(isp, "/money/pay")).get_data(as_text=True)
    assert 'value="100.00"' in page  # not "100.0": kopecks never pass through a float


def test_a_bad_amount_is_explained_in_russian(app, isp, subscriber, make_user, login):
    operator = login(isp, make_user(isp, "op", roles=("operator",)))
    account_id = subscriber.accounts[0]
    url = tenant_path(isp, f"/admin/accounts/{account_id}")
    form = {"amount": "сто", "reason": "касса", "key": "form-2"}
    operator.submit(tenant_path(isp, f"/admin/accounts/{account_id}/payment"), form, form_url=url)
    page = operator.get(url).get_data(as_text=True)
    assert "сумма сто — не число" in page and "not a number" not in page
