"""The printed receipt: HTML and PDF from the same template, Cyrillic in the PDF, the QR code in both."""

from __future__ import annotations

import io
import re

import pypdf
import pytest

from core.db import session
from core.receipts import build_receipt, format_rub
from core.receipts.format import month_label
from core.receipts.qr import parse_payload
from core.receipts.views import receipt_css, render_receipt_html, render_receipt_pdf
from tests.receipts.conftest import BANK, LEGAL, utc
from tests.receipts.test_qr import decode_image


def pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))  # line breaks of wrapped cells, NBSPs in amounts


def fonts_of_text(pdf: bytes) -> set[str]:
    """The fonts that draw the PDF's visible text (reportlab also names Helvetica as its initial state)."""
    used: set[str] = set()

    def visit(text, _cm, _tm, font, _size):
        if text.strip() and font is not None:
            used.add(str(font["/BaseFont"]))

    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return used


@pytest.fixture
def receipt(tenant, scope, books):
    with scope(tenant):
        b = books()
        b.charge(60_000, utc(2026, 10, 15, 9))
        b.charge(75_000, utc(2026, 11, 1, 9))
        b.charge(29_900, utc(2026, 11, 1, 9), service="tv")
        b.pay(50_000, utc(2026, 11, 5, 12))
        session.commit()
        return build_receipt(tenant, b.account, "2026-11")


def test_money_is_written_the_russian_way():
    assert format_rub(123456) == "1\u00a0234,56\u00a0₽"
    assert format_rub(0) == "0,00\u00a0₽"
    assert format_rub(5) == "0,05\u00a0₽"
    assert format_rub(-1_000_000_00) == "\u22121\u00a0000\u00a0000,00\u00a0₽"
    assert month_label("2026-11") == "ноябрь 2026"
    with pytest.raises(TypeError):
        format_rub(12.5)


def test_the_pdf_has_cyrillic_text_in_an_embedded_pt_sans(app, receipt):
    with app.app_context():
        pdf = render_receipt_pdf(receipt)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert LEGAL["full_name"] in text
    assert "Квитанция на оплату услуг" in text
    assert "за ноябрь 2026 (с 01.11.2026 по 30.11.2026)" in text
    assert "Итого к оплате 1 149,00 ₽" in text
    assert "Задолженность на 01.11.2026 600,00 ₽" in text
    assert "Телевидение 299,00 ₽" in text
    assert "Иванов Иван Иванович" in text
    assert fonts_of_text(pdf) == {"/AAAAAA+PTSans-Regular", "/AAAAAA+PTSans-Bold"}  # embedded subsets, no fallback
    assert pypdf.PdfReader(io.BytesIO(pdf)).metadata.title == "Квитанция за ноябрь 2026 — л/с 100200"


def test_the_qr_code_in_the_pdf_decodes_to_the_payload(app, receipt):
    with app.app_context():
        pdf = render_receipt_pdf(receipt)
    images = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].images
    assert len(images) == 1
    code = decode_image(images[0].image)
    assert code.text == receipt.qr_payload
    fields = parse_payload(code.text)
    assert (fields["Sum"], fields["PersAcc"]) == ("114900", "100200")


def test_the_printed_page_scans(app, receipt):
    """The whole first page rasterised at 100 dpi (a cheap scan or a phone photo): the code still reads."""
    import pypdfium2

    with app.app_context():
        pdf = render_receipt_pdf(receipt)
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0].render(scale=100 / 72).to_pil()
    finally:
        document.close()
    assert decode_image(page).text == receipt.qr_payload


def test_html_and_pdf_come_from_the_same_receipt_markup(app, receipt):
    with app.app_context():
        html = render_receipt_html(receipt)
        text = pdf_text(render_receipt_pdf(receipt))
    assert html.startswith("<!doctype html>")
    assert '<article class="receipt" lang="ru">' in html
    for phrase in ("Итого к оплате", "Получатель платежа", "Плательщик", "Назначение платежа"):
        assert phrase in html and phrase in text
    assert "1\u00a0149,00\u00a0₽" in html
    assert "<style>" in html and ".rc-pay" in html  # a saved page keeps its look


def test_the_html_links_the_stylesheet_when_given_its_url(app, receipt):
    with app.app_context():
        html = render_receipt_html(receipt, css_url="/receipts/receipt.css", pdf_url="/receipts/2026-11.pdf")
        css = receipt_css()
    assert '<link rel="stylesheet" href="/receipts/receipt.css">' in html
    assert "<style>" not in html  # the site's CSP allows no inline styles
    assert '<a href="/receipts/2026-11.pdf">Скачать PDF</a>' in html
    assert ".rc-pay" in css and "@media print" in css


def test_the_html_fits_in_the_cabinet_layout(app, tenant, receipt):
    with app.test_request_context("/", base_url=f"http://{tenant.slug}.localhost/"):
        app.preprocess_request()  # finds the tenant by its subdomain, as a request on its site would
        html = render_receipt_html(receipt, in_shell=True, css_url="/receipts/receipt.css")
    assert 'class="site-header"' in html and 'class="site-footer"' in html
    assert "<title>Квитанция за ноябрь 2026 · УралСеть Телеком</title>" in html
    assert '<article class="receipt" lang="ru">' in html and "<svg" in html


def test_text_from_the_database_is_escaped(app, tenant, scope, books):
    with scope(tenant):
        b = books("800", holder_name="<script>alert(1)</script>", address='<img src="file:///etc/passwd">')
        session.commit()
        receipt = build_receipt(tenant, b.account, "2026-11")
        html = render_receipt_html(receipt)
        pdf = render_receipt_pdf(receipt)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<img src="file:' not in html
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].images) == 1  # the QR code only


def test_plugin_lines_are_printed(app, tenant, scope, books, enable_plugin):
    enable_plugin(tenant, "receiptlines")
    with scope(tenant):
        b = books()
        session.commit()
        receipt = build_receipt(tenant, b.account, "2026-11")
        html = render_receipt_html(receipt)
        text = pdf_text(render_receipt_pdf(receipt))
    for output in (html.replace("\u00a0", " "), text):
        assert "Справочно" in output
        assert "Тариф «Домашний 100»" in output and "750,00 ₽" in output
        assert "Статический IP-адрес" in output


@pytest.fixture
def app_plugins():
    from tests.receipts import lines_plugin

    return [lines_plugin]


@pytest.mark.parametrize(
    ("bank", "problem"),
    [
        ({}, "БИК банка — не указан"),
        ({**BANK, "account": ""}, "расчётный счёт — не указан"),
        ({**BANK, "account": "40702810938000000002"}, "расчётный счёт — указан с ошибкой"),  # key digit
        ({**BANK, "bic": "123"}, "БИК банка — указан с ошибкой"),
    ],
    ids=["no-bank-details", "no-settlement-account", "wrong-account-key", "wrong-bic"],
)
def test_missing_or_broken_bank_details_are_named_instead_of_a_broken_qr_code(
    app, make_tenant, scope, books, bank, problem
):
    tenant = make_tenant("nobank", name="Без Банка", legal=dict(LEGAL), bank=bank)
    with scope(tenant):
        b = books()
        b.charge(10_000, utc(2026, 11, 1, 9))
        session.commit()
        receipt = build_receipt(tenant, b.account, "2026-11")
        html = render_receipt_html(receipt)
        pdf = render_receipt_pdf(receipt)

    assert receipt.qr_payload is None and not receipt.can_be_paid_by_qr
    assert problem in receipt.requisite_problems
    assert receipt.amount_due == 10_000  # the money is still right
    assert "<svg" not in html
    assert "QR-код для оплаты не сформирован" in html and problem in html
    text = pdf_text(pdf)
    assert "QR-код для оплаты не сформирован" in text and problem in text
    assert "Итого к оплате 100,00 ₽" in text
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].images) == 0


def test_missing_legal_details_are_named_too(app, make_tenant, scope, books):
    tenant = make_tenant("nolegal", name="Без Реквизитов", bank=dict(BANK))
    with scope(tenant):
        b = books()
        session.commit()
        receipt = build_receipt(tenant, b.account, "2026-11")
        html = render_receipt_html(receipt)
    assert receipt.requisite_problems == ("наименование получателя — не указано", "ИНН получателя — не указан")
    assert receipt.qr_payload is None
    assert "Без Реквизитов" in html  # the site's name stands in for the missing legal name
