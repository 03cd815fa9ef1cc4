"""Issue 12, points 1–4, 8, 22, 23: what a subscriber is told about money never misleads.

A promised credit counts as debt everywhere (balance card, pay form, receipt, API); the pay form offers
what keeps services on; a frozen subscriber's days count the block's real cost; the blocked card never
contradicts itself; the receipt has a month selector; orders are listed on a page and in the API.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from core.api import session, tenant_scope, utcnow
from core.testing.fixtures import tenant_path
from core.visits.models import SCHEDULED, VisitRequest
from plugins.isp.models import Contract, Freeze
from plugins.isp.promise import service as promises


def _grant(app, tenant, made):
    from core.api import Tenant

    with app.test_request_context(), tenant_scope(tenant.id):
        promise = promises.grant(session.get(Tenant, tenant.id), session.get(Contract, made.id), None, utcnow())
        session.commit()
        return promise.amount, promise.due_at


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", response.get_data(as_text=True).replace("\u00a0", " "))


def _indebted(isp_tenant, catalog, make_contract, number="800100", balance=-20000):
    tenant = isp_tenant(f"money-{number}")
    catalog(tenant)
    return tenant, make_contract(tenant, number, balance=balance, blocked=balance < 0, opened_days_ago=400)


def test_a_promised_credit_is_debt_on_the_card_the_pay_form_the_receipt_and_the_api(
    app, isp_tenant, catalog, make_contract, login, api_token, client
):
    tenant, made = _indebted(isp_tenant, catalog, make_contract)
    amount, _due = _grant(app, tenant, made)
    subscriber = login(tenant, made)
    page = _text(subscriber.get(tenant_path(tenant, "/money/")))
    assert "Promised payment: 500.00 ₽ will be debited on" in page
    assert "Your own money: -200.00 ₽." in page
    assert "Debt: 200.00 ₽. Services will be suspended on" in page
    assert "Your own money does not cover the next day." in page
    assert "Pay " in page and "to keep the services on through" in page
    receipt = _text(subscriber.get(tenant_path(tenant, "/money/receipt")))
    assert 'class="rc-due">200,00 ₽' in receipt  # the credit (balance +300 ₽) is owed: 500 − 300
    assert "В том числе обещанный платёж 500,00 ₽: будет списан" in receipt  # Russian on an English page too
    token = api_token(tenant, made)
    headers = {"Authorization": f"Bearer {token}"}
    body = client.get(tenant_path(tenant, f"/api/v1/accounts/{made.account_id}"), headers=headers).get_json()
    assert body["balance"] == amount - 20000 and body["own"] == -20000 and body["debt"] == 20000
    assert body["owed"][0]["amount"] == amount and body["days_left"] == 0 and body["keep_on"] > body["debt"]


def test_the_pay_form_offers_what_keeps_services_on_and_warns_about_paying_only_the_debt(
    app, isp_tenant, catalog, make_contract, login
):
    tenant, made = _indebted(isp_tenant, catalog, make_contract, "800200", balance=-100)
    with app.app_context(), tenant_scope(tenant.id):
        session.get(Contract, made.id).blocked_since = None
        session.commit()
    page = _text(login(tenant, made).get(tenant_path(tenant, "/money/pay")))
    keep = re.search(r'name="amount" id="amount" inputmode="decimal" autocomplete="off" value="([0-9.]+)"', page)
    assert keep is not None and float(keep[1]) > 1.0  # more than the 1 ₽ debt: the rest of the month too
    assert "keeps the services on through" in page
    assert "If you pay only the debt (1.00 ₽), the services will be suspended again on" in page


def test_a_frozen_subscriber_days_count_the_block_and_planned_changes_are_on_the_dashboard(
    app, isp_tenant, catalog, make_contract, login
):
    tenant = isp_tenant("money-frozen")
    catalog(tenant)
    made = make_contract(tenant, "800300", balance=10000)
    today = date.today()
    with app.app_context(), tenant_scope(tenant.id):
        session.add(Freeze(contract_id=made.id, starts_on=today, ends_on=today + timedelta(days=20), status="active"))
        session.commit()
    subscriber = login(tenant, made)
    page = _text(subscriber.get(tenant_path(tenant, "/money/")))
    days = int(re.search(r"Your own money is enough for (\d+) days", page)[1])
    assert days > 20  # 100 ₽ last 5–6 days of services, but the block's 20 free days come first
    with app.app_context(), tenant_scope(tenant.id):
        freeze = session.query(Freeze).one()
        freeze.starts_on, freeze.ends_on, freeze.status = (
            today + timedelta(days=5),
            today + timedelta(days=9),
            "scheduled",
        )
        freeze.open_slot = made.id
        session.commit()
        session.add(
            VisitRequest(
                author_id=made.user_id,
                personal_account_id=made.account_id,
                address="Lenina 1",
                reason="no_link",
                status=SCHEDULED,
                slot_date=today + timedelta(days=2),
                slot_window="09-12",
            )
        )
        session.commit()
    dashboard = _text(subscriber.get(tenant_path(tenant, "/")))
    assert "Coming up" in dashboard and "Voluntary block from" in dashboard
    assert "A technician comes on" in dashboard and "09-12" in dashboard


def test_the_blocked_card_says_what_brings_services_back_and_nothing_false(
    app, isp_tenant, catalog, make_contract, login
):
    tenant, made = _indebted(isp_tenant, catalog, make_contract, "800400")
    dashboard = _text(login(tenant, made).get(tenant_path(tenant, "/")))
    assert "Pay at least 200.00 ₽ and the services come back at once." in dashboard
    assert "Top up to keep the services on" not in dashboard and "above zero" not in dashboard
    assert "Services are suspended. Pay at least 200.00 ₽ to restore them at once." in dashboard
    zero_tenant, zero = _indebted(isp_tenant, catalog, make_contract, "800500", balance=0)
    with app.app_context(), tenant_scope(zero_tenant.id):
        session.get(Contract, zero.id).blocked_since = utcnow()
        session.commit()
    card = _text(login(zero_tenant, zero).get(tenant_path(zero_tenant, "/")))
    assert "come back at once" not in card and "The balance covers the debt" in card


def test_the_receipt_has_a_month_selector_and_prints_without_the_news_banner(
    app, isp_tenant, catalog, make_contract, login
):
    tenant, made = _indebted(isp_tenant, catalog, make_contract, "800600", balance=5000)
    subscriber = login(tenant, made)
    page = _text(subscriber.get(tenant_path(tenant, "/money/receipt?period=2025-03")))
    assert 'data-testid="receipt-period"' in page and '<option value="2025-03" selected>март 2025</option>' in page
    css = subscriber.get(tenant_path(tenant, "/money/receipt.css")).get_data(as_text=True)
    assert ".news-banner" in css.split("@media print")[1] and "max-width: 640px" in css


def test_orders_are_listed_with_their_status_on_a_page_and_in_the_api(
    app, isp_tenant, catalog, make_contract, login, api_token, client
):
    tenant, made = _indebted(isp_tenant, catalog, make_contract, "800700")
    _grant(app, tenant, made)
    page = _text(login(tenant, made).get(tenant_path(tenant, "/isp/orders")))
    assert "Promised payment" in page and "500.00 ₽ until" in page and "In force" in page
    headers = {"Authorization": f"Bearer {api_token(tenant, made)}"}
    orders = client.get(tenant_path(tenant, f"/api/v1/isp/accounts/{made.account_id}/orders"), headers=headers)
    assert orders.status_code == 200
    assert [(o["kind"], o["status"], o["status_title"]) for o in orders.get_json()] == [
        ("promise", "active", "In force")
    ]


def test_the_api_has_the_receipt_with_its_qr_payload_and_pdf_for_any_period(
    app, isp_tenant, catalog, make_contract, api_token, client
):
    tenant, made = _indebted(isp_tenant, catalog, make_contract, "800800")
    headers = {"Authorization": f"Bearer {api_token(tenant, made)}"}
    base = tenant_path(tenant, f"/api/v1/accounts/{made.account_id}")
    body = client.get(f"{base}/receipt?period=2025-11", headers=headers).get_json()
    assert body["period"] == "2025-11" and body["period_label"] == "ноябрь 2025" and "qr_payload" in body
    current = client.get(f"{base}/receipt", headers=headers).get_json()
    assert current["amount_due"] == 20000
    pdf = client.get(body["pdf_url"], headers=headers)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert client.get(f"{base}/receipt?period=2025-13", headers=headers).status_code == 422
    paths = client.get(tenant_path(tenant, "/api/v1/openapi.json")).get_json()["paths"]
    assert any(p.endswith("/receipt") for p in paths) and any(p.endswith("/receipt.pdf") for p in paths)
    assert any(p.endswith("/orders") for p in paths)
