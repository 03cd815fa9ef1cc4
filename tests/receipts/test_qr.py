"""The payment QR code: GOST R 56042-2014 payload, read back by a real decoder (zxing-cpp)."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from markupsafe import Markup
from PIL import Image

from core.db import session
from core.receipts import build_receipt
from core.receipts.model import payment_qr_payload
from core.receipts.qr import PayloadError, build_payload, clean, parse_payload, qr_png, qr_svg
from core.receipts.views import render_receipt_html
from tests.receipts.conftest import ADDRESS, BANK, LEGAL, utc

EXPECTED = (
    "ST00012"
    f"|Name={LEGAL['full_name']}"
    f"|PersonalAcc={BANK['account']}"
    f"|BankName={BANK['bank_name']}"
    f"|BIC={BANK['bic']}"
    f"|CorrespAcc={BANK['corr_account']}"
    f"|PayeeINN={LEGAL['inn']}"
    f"|KPP={LEGAL['kpp']}"
    "|Sum=104900"
    "|Purpose=Оплата услуг по л/с 100200 за 11.2026"
    "|PersAcc=100200"
    "|LastName=Иванов|FirstName=Иван|MiddleName=Иванович"
    f"|PayerAddress={ADDRESS}"
    "|PaymPeriod=112026"
)


def decode_png(png: bytes) -> zxingcpp.Barcode:
    return decode_image(Image.open(io.BytesIO(png)))


def decode_image(image: Image.Image) -> zxingcpp.Barcode:
    found = zxingcpp.read_barcodes(image.convert("L"))
    assert len(found) == 1, found
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode
    return found[0]


@pytest.fixture
def receipt(tenant, scope, books):
    with scope(tenant):
        b = books()
        b.charge(75_000, utc(2026, 11, 1, 9))
        b.charge(29_900, utc(2026, 11, 1, 9), service="tv")
        b.pay(5_000, utc(2026, 10, 28, 9))  # before the period: in the opening balance
        b.charge(5_000, utc(2026, 10, 1, 9))
        session.commit()
        return build_receipt(tenant, b.account, "2026-11")


def test_the_payload_follows_gost_r_56042(receipt):
    assert receipt.amount_due == 104_900
    assert receipt.qr_payload == EXPECTED


def test_the_png_decodes_to_exactly_the_payload(receipt):
    code = decode_png(qr_png(receipt.qr_payload))
    assert code.text == EXPECTED
    assert code.bytes == EXPECTED.encode("utf-8")  # ST00012 promises UTF-8
    assert code.ec_level == "M"
    assert code.symbology_identifier == "]Q1"  # plain QR without an ECI header
    fields = parse_payload(code.text)
    assert fields["Sum"] == "104900"
    assert fields["PersAcc"] == "100200"


def test_a_plugin_document_asks_for_its_own_sum_with_the_standard_s_tech_code(receipt):
    payload = payment_qr_payload(receipt, 123_45, tech_code="02")
    assert payload == EXPECTED.replace("|Sum=104900", "|Sum=12345") + "|TechCode=02"
    assert decode_png(qr_png(payload)).text == payload
    assert "TechCode" not in receipt.qr_payload  # core's own receipt names no kind of payment


def test_no_plugin_code_without_the_payee_s_details(make_tenant, scope, books):
    tenant = make_tenant("no-bank", legal=dict(LEGAL), bank={})
    with scope(tenant):
        receipt = build_receipt(tenant, books().account, "2026-11")
    assert receipt.requisite_problems and payment_qr_payload(receipt, 100, tech_code="02") is None


def test_the_html_carries_the_code_as_inline_svg(app, receipt):
    with app.app_context():
        html = render_receipt_html(receipt)
        svg = qr_svg(receipt.qr_payload)
    assert isinstance(svg, Markup)
    assert svg.startswith('<svg role="img" viewBox=') and "<title>QR-код для оплаты</title>" in svg
    assert str(svg) in html


def test_separators_and_line_breaks_are_removed_from_values():
    assert clean("ООО «Рога | Копыта»\nфилиал\t№ 2 ") == "ООО «Рога Копыта» филиал № 2"
    payload = build_payload(
        [
            ("Name", "ООО «Рога|Копыта»"),
            ("PersonalAcc", BANK["account"]),
            ("BankName", "Банк\r\n«Пример»"),
            ("BIC", BANK["bic"]),
            ("CorrespAcc", BANK["corr_account"]),
            ("PayerAddress", "ул. Ленина|5"),
            ("Sum", None),
            ("KPP", ""),
        ]
    )
    assert payload.split("|") == [
        "ST00012",
        "Name=ООО «Рога Копыта»",
        f"PersonalAcc={BANK['account']}",
        "BankName=Банк «Пример»",
        f"BIC={BANK['bic']}",
        f"CorrespAcc={BANK['corr_account']}",
        "PayerAddress=ул. Ленина 5",
    ]
    assert decode_png(qr_png(payload)).text == payload


def test_values_are_cut_to_the_lengths_the_standard_allows():
    payload = build_payload(
        [
            ("PersonalAcc", BANK["account"]),
            ("Name", "Я" * 200),
            ("BankName", "Б" * 60),
            ("BIC", BANK["bic"]),
            ("CorrespAcc", BANK["corr_account"]),
            ("Purpose", "П" * 300),
        ]
    )
    fields = parse_payload(payload)
    assert list(fields)[:5] == ["Name", "PersonalAcc", "BankName", "BIC", "CorrespAcc"]
    assert (len(fields["Name"]), len(fields["BankName"]), len(fields["Purpose"])) == (160, 45, 210)


def test_a_payload_without_the_mandatory_requisites_is_refused():
    with pytest.raises(PayloadError, match="BIC"):
        build_payload([("Name", "ООО"), ("PersonalAcc", "1"), ("BankName", "Банк"), ("CorrespAcc", "1")])


def test_a_company_payer_gets_no_person_names(tenant, scope, books):
    with scope(tenant):
        b = books("700", holder_name="ООО «Ромашка»", holder_kind="legal", holder_inn="7707083893")
        session.commit()
        fields = parse_payload(build_receipt(tenant, b.account, "2026-11").qr_payload)
    assert "LastName" not in fields
    assert fields["PayerINN"] == "7707083893"


def test_initials_give_only_the_last_name(tenant, scope, books):
    with scope(tenant):
        b = books("701", holder_name="Петрова А.С.")
        session.commit()
        fields = parse_payload(build_receipt(tenant, b.account, "2026-11").qr_payload)
    assert fields["LastName"] == "Петрова"
    assert "FirstName" not in fields
