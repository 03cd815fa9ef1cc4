"""Legal entities: an invoice and an act per month as PDF (parsed back with pypdf), and a signed scan attached
to the written application to change services."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pypdf
from sqlalchemy import select

from core.api import ledger, session, tenant_scope
from core.files.models import StoredFile
from core.testing.fixtures import tenant_path
from plugins.isp.common.calendar import tenant_today
from plugins.isp.models import Contract
from tests.receipts.conftest import BANK, LEGAL


def pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def _legal_site(isp_tenant, catalog):
    tenant = isp_tenant(name="УралСеть Телеком", legal=dict(LEGAL), bank=dict(BANK), settings={"vat_percent": 20})
    catalog(tenant)
    return tenant


def _previous_month(today):
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def _charge_previous_month(app, tenant, made, today) -> str:
    first, _last = _previous_month(today)
    with app.app_context(), tenant_scope(tenant.id):
        contract = session.get(Contract, made.id)
        ledger.transfer(
            f"test:charge:{made.number}",
            "charge",
            contract.account.ledger_account,
            ledger.revenue_account("internet"),
            150_000,
            service="biz100",
            period=f"{first:%Y-%m}",
            occurred_at=datetime(first.year, first.month, 15, 12, tzinfo=UTC),
        )
        session.commit()
    return f"{first:%Y-%m}"


def test_a_legal_entity_downloads_the_months_invoice_and_act_as_pdf(
    app, isp_tenant, catalog, make_contract, make_user, login
):
    tenant = _legal_site(isp_tenant, catalog)
    made = make_contract(tenant, "870100", products=("biz100",), holder_kind="legal", opened_days_ago=100)
    with app.app_context():
        today = tenant_today(tenant)
    previous = _charge_previous_month(app, tenant, made, today)
    current = f"{today:%Y-%m}"
    client = login(tenant, made)
    assert "Invoices and acts" in client.get(tenant_path(tenant, "/isp/")).get_data(as_text=True)
    listing = client.get(tenant_path(tenant, "/isp/documents")).get_data(as_text=True)
    assert f"/isp/documents/{current}/invoice.pdf" in listing and f"/isp/documents/{previous}/act.pdf" in listing
    assert f"/isp/documents/{current}/act.pdf" not in listing and "after the month ends" in listing

    invoice = client.get(tenant_path(tenant, f"/isp/documents/{current}/invoice.pdf"))
    assert invoice.status_code == 200 and invoice.mimetype == "application/pdf"
    text = pdf_text(invoice.data)
    assert f"Счёт на оплату № 870100-{current.replace('-', '')}" in text
    assert "Общество с ограниченной ответственностью «УралСеть Телеком»" in text and "Holder 870100" in text
    assert "Business 100" in text and "1 500,00" in text and "1 мес." in text
    assert "В том числе НДС 20%" in text and "250,00" in text
    assert "Одна тысяча пятьсот рублей 00 копеек" in text and BANK["account"] in text

    act = client.get(tenant_path(tenant, f"/isp/documents/{previous}/act.pdf"))
    text = pdf_text(act.data)
    assert act.status_code == 200 and "Акт оказанных услуг" in text and "Business 100" in text
    assert "1 500,00" in text and "оказаны полностью" in text
    assert client.get(tenant_path(tenant, f"/isp/documents/{current}/act.pdf")).status_code == 404
    assert client.get(tenant_path(tenant, "/isp/documents/1999-01/invoice.pdf")).status_code == 404
    assert client.get(tenant_path(tenant, f"/isp/documents/{current}/contract.pdf")).status_code == 404

    staff = login(tenant, make_user(tenant, "operator-870", roles=("operator",)))
    contract_page = staff.get(tenant_path(tenant, f"/isp/admin/contracts/{made.id}")).get_data(as_text=True)
    assert "Invoices and acts" in contract_page
    by_staff = staff.get(tenant_path(tenant, f"/isp/admin/contracts/{made.id}/documents/{previous}/act.pdf"))
    assert by_staff.status_code == 200 and "Акт оказанных услуг" in pdf_text(by_staff.data)


def test_an_individual_has_receipts_not_invoices(app, isp_tenant, catalog, make_contract, login):
    tenant = _legal_site(isp_tenant, catalog)
    made = make_contract(tenant, "870200")
    client = login(tenant, made)
    page = client.get(tenant_path(tenant, "/isp/documents")).get_data(as_text=True)
    assert "issued to legal entities" in page and "invoice.pdf" not in page
    with app.app_context():
        current = f"{tenant_today(tenant):%Y-%m}"
    assert client.get(tenant_path(tenant, f"/isp/documents/{current}/invoice.pdf")).status_code == 404


def test_a_signed_scan_goes_with_the_application_and_a_wrong_file_is_refused(
    app, isp_tenant, catalog, make_contract, make_user, login
):
    tenant = _legal_site(isp_tenant, catalog)
    made = make_contract(tenant, "870300", products=("biz100",), holder_kind="legal", balance=500_000)
    client = login(tenant, made)
    url = tenant_path(tenant, "/isp/application")
    form = client.get(url).get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in form and 'name="scan"' in form

    wrong = client.submit(url, {"products": ["static_ip"], "scan": (io.BytesIO(b"MZ\x90\x00 not a scan"), "scan.exe")})
    assert wrong.status_code == 422 and "is not a picture (PNG, JPEG, GIF, WebP) or a PDF" in wrong.get_data(
        as_text=True
    )
    huge = client.submit(
        url, {"products": ["static_ip"], "scan": (io.BytesIO(b"%PDF-" + b"0" * (10 * 1024 * 1024)), "big.pdf")}
    )
    assert huge.status_code == 422 and "larger than 10 MB" in huge.get_data(as_text=True)

    sent = client.submit(
        url,
        {
            "products": ["static_ip"],
            "comment": "С 1-го числа",
            "scan": (io.BytesIO(b"%PDF-1.4 signed"), "заявление.pdf"),
        },
    )
    text = sent.get_data(as_text=True)
    assert sent.status_code == 200 and 'data-testid="scan-attached"' in text
    with app.app_context(), tenant_scope(tenant.id):
        stored = session.scalar(select(StoredFile))
        assert stored.filename == "заявление.pdf" and stored.mime == "application/pdf"
        file_id = stored.id
    staff = login(tenant, make_user(tenant, "operator-871", roles=("operator",)))
    queue = staff.get(tenant_path(tenant, "/admin/support/")).get_data(as_text=True)
    ticket_link = re.search(r'href="([^"]*/admin/support/\d+)"', queue).group(1)
    ticket = staff.get(ticket_link).get_data(as_text=True)
    assert "заявление.pdf" in ticket and "The signed application is attached" in ticket
    download = staff.get(tenant_path(tenant, f"/files/{file_id}"))
    assert download.status_code == 200 and download.data == b"%PDF-1.4 signed"


def test_the_mobile_app_gets_the_months_and_the_invoice_pdf(app, isp_tenant, catalog, make_contract, api_token):
    tenant = _legal_site(isp_tenant, catalog)
    made = make_contract(tenant, "870400", products=("biz100",), holder_kind="legal", opened_days_ago=100)
    headers = {"Authorization": f"Bearer {api_token(tenant, made)}"}
    base = tenant_path(tenant, f"/api/v1/isp/accounts/{made.account_id}/documents")
    listed = app.test_client().get(base, headers=headers).get_json()
    assert listed["legal_entity"] is True and listed["months"][0]["act"] is False
    current = listed["months"][0]["period"]
    pdf = app.test_client().get(f"{base}/{current}/invoice.pdf", headers=headers)
    assert pdf.status_code == 200 and "Счёт на оплату № 870400-" in pdf_text(pdf.data)
    assert app.test_client().get(f"{base}/{current}/act.pdf", headers=headers).status_code == 404
