"""What a receipt counts: opening balance, charges by service, payments, closing balance, amount due."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from core.db import session, utcnow
from core.receipts import ReceiptError, build_receipt
from core.receipts.model import period_bounds
from core.receipts.qr import parse_payload
from tests.receipts.conftest import utc


def _balanced(receipt) -> bool:
    return (
        receipt.opening_balance + receipt.payments_total - receipt.charges_total + receipt.other_total
        == receipt.closing_balance
    )


def test_debt_opening_charges_payments_closing_and_amount_due(tenant, scope, books):
    with scope(tenant):
        b = books()
        b.charge(60_000, utc(2026, 10, 15, 9), period="2026-10")  # October's debt
        b.charge(40_000, utc(2026, 11, 1, 9))
        b.charge(35_000, utc(2026, 11, 16, 9))  # the same service twice: one line
        b.charge(29_900, utc(2026, 11, 1, 9), service="tv")
        b.pay(50_000, utc(2026, 11, 5, 12))
        b.pay(10_000, utc(2026, 11, 20, 12), channel="office")
        session.commit()

        receipt = build_receipt(tenant, b.account, "2026-11")

    assert receipt.opening_balance == -60_000
    assert [(line.service, line.amount) for line in receipt.charges] == [("internet", 75_000), ("tv", 29_900)]
    assert [line.title for line in receipt.charges] == ["Интернет", "Телевидение"]
    assert receipt.charges_total == 104_900
    assert [(p.day.isoformat(), p.amount) for p in receipt.payments] == [("2026-11-05", 50_000), ("2026-11-20", 10_000)]
    assert receipt.payments_total == 60_000
    assert receipt.other_total == 0
    assert receipt.closing_balance == -60_000 + 60_000 - 104_900 == -104_900
    assert receipt.opening_balance + receipt.payments_total - receipt.charges_total == receipt.closing_balance
    assert receipt.amount_due == 104_900
    assert receipt.overpayment == 0
    assert parse_payload(receipt.qr_payload)["Sum"] == "104900"


def test_closing_balance_is_the_ledger_balance_and_the_next_opening(tenant, scope, books):
    from core.ledger import service as ledger

    with scope(tenant):
        b = books()
        b.charge(10_000, utc(2026, 11, 3))
        b.pay(2_500, utc(2026, 11, 4))
        b.charge(10_000, utc(2026, 12, 3))
        session.commit()
        november = build_receipt(tenant, b.account, "2026-11")
        december = build_receipt(tenant, b.account, "2026-12")
        _start, end = period_bounds("2026-11", tenant.timezone)
        assert november.closing_balance == ledger.balance_at(b.account.ledger_account, end) == -7_500
    assert december.opening_balance == november.closing_balance
    assert december.closing_balance == -17_500


def test_credit_means_nothing_due_and_no_sum_in_the_qr_code(tenant, scope, books):
    with scope(tenant):
        b = books()
        b.charge(50_000, utc(2026, 11, 1, 9))
        b.pay(80_000, utc(2026, 11, 2, 9))
        session.commit()
        receipt = build_receipt(tenant, b.account, "2026-11")

    assert receipt.closing_balance == 30_000
    assert receipt.amount_due == 0
    assert receipt.overpayment == 30_000
    assert _balanced(receipt)
    fields = parse_payload(receipt.qr_payload)
    assert "Sum" not in fields
    assert fields["PersAcc"] == "100200"


def test_zero_balance_means_nothing_due(tenant, scope, books):
    with scope(tenant):
        b = books()
        b.charge(50_000, utc(2026, 11, 1, 9))
        b.pay(50_000, utc(2026, 11, 2, 9))
        session.commit()
        receipt = build_receipt(tenant, b.account, "2026-11")
    assert (receipt.closing_balance, receipt.amount_due) == (0, 0)
    assert "Sum" not in parse_payload(receipt.qr_payload)


def test_charges_and_payments_of_other_periods_do_not_appear(tenant, scope, books):
    with scope(tenant):
        b = books()
        b.charge(11_100, utc(2026, 10, 31, 12), period="2026-10")
        b.charge(22_200, utc(2026, 11, 10, 12))
        b.charge(33_300, utc(2026, 12, 1, 12), period="2026-12")
        b.pay(44_400, utc(2026, 10, 20, 12))
        b.pay(55_500, utc(2026, 12, 2, 12))
        session.commit()
        receipt = build_receipt(tenant, b.account, "2026-11")

    assert [line.amount for line in receipt.charges] == [22_200]
    assert receipt.charges_total == 22_200
    assert receipt.payments == ()
    assert receipt.opening_balance == 44_400 - 11_100
    assert receipt.closing_balance == 44_400 - 11_100 - 22_200
    assert _balanced(receipt)


def test_month_boundaries_follow_the_tenant_time_zone(make_tenant, scope, books):
    from tests.receipts.conftest import BANK, LEGAL

    tenant = make_tenant("yakutcenter", legal=dict(LEGAL), bank=dict(BANK), timezone="Asia/Yakutsk")  # UTC+9
    with scope(tenant):
        b = books("7700-0001")
        b.charge(1_000, utc(2026, 10, 31, 16))  # 1 November 01:00 in Yakutsk
        b.charge(2_000, utc(2026, 10, 31, 14))  # 31 October 23:00 in Yakutsk
        b.pay(5_000, utc(2026, 11, 30, 16))  # 1 December 01:00 in Yakutsk
        b.pay(7_000, utc(2026, 11, 30, 14))  # 30 November 23:00 in Yakutsk
        session.commit()
        receipt = build_receipt(tenant, b.account, "2026-11")

    assert receipt.timezone == "Asia/Yakutsk"
    assert (receipt.first_day.isoformat(), receipt.last_day.isoformat()) == ("2026-11-01", "2026-11-30")
    assert receipt.charges_total == 1_000
    assert receipt.opening_balance == -2_000
    assert [(p.day.isoformat(), p.amount) for p in receipt.payments] == [("2026-11-30", 7_000)]
    assert receipt.closing_balance == -2_000 - 1_000 + 7_000


def test_a_reversal_reduces_the_charge_of_its_service(tenant, scope, books, monkeypatch):
    from core.ledger import service as ledger

    with scope(tenant):
        b = books()
        b.charge(40_000, utc(2026, 11, 1, 9))
        wrong = b.charge(15_000, utc(2026, 11, 10, 9))
        b.charge(29_900, utc(2026, 11, 1, 9), service="tv")
        monkeypatch.setattr(ledger, "utcnow", lambda: utc(2026, 11, 12, 9))  # when the operator reverses it
        reversal = ledger.reverse(wrong, "charged twice")
        session.commit()
        assert reversal.reverses_id == wrong.id
        receipt = build_receipt(tenant, b.account, "2026-11")

    assert [(line.service, line.amount) for line in receipt.charges] == [("internet", 40_000), ("tv", 29_900)]
    assert receipt.charges_total == 69_900
    assert receipt.other_total == 0
    assert receipt.closing_balance == -69_900
    assert _balanced(receipt)


def test_a_charge_reversed_in_full_leaves_no_line_and_a_reversed_payment_is_taken_back(
    tenant, scope, books, monkeypatch
):
    from core.ledger import service as ledger

    with scope(tenant):
        b = books()
        charge = b.charge(40_000, utc(2026, 11, 1, 9))
        b.charge(29_900, utc(2026, 11, 1, 9), service="tv")
        payment = b.pay(10_000, utc(2026, 11, 3, 9))
        monkeypatch.setattr(ledger, "utcnow", lambda: utc(2026, 11, 12, 9))
        ledger.reverse(charge, "not provided")
        ledger.reverse(payment, "card chargeback")
        session.commit()
        receipt = build_receipt(tenant, b.account, "2026-11")

    assert [line.service for line in receipt.charges] == ["tv"]
    assert [(p.title, p.amount) for p in receipt.payments] == [("Оплата", 10_000), ("Отмена оплаты", -10_000)]
    assert receipt.payments_total == 0
    assert receipt.amount_due == 29_900
    assert _balanced(receipt)


def test_a_reversal_in_a_later_month_is_a_recalculation_there(tenant, scope, books, monkeypatch):
    from core.ledger import service as ledger

    with scope(tenant):
        b = books()
        charge = b.charge(40_000, utc(2026, 11, 1, 9))
        b.charge(40_000, utc(2026, 12, 1, 9))
        monkeypatch.setattr(ledger, "utcnow", lambda: utc(2026, 12, 5, 9))
        ledger.reverse(charge, "not provided in November")
        session.commit()
        november = build_receipt(tenant, b.account, "2026-11")
        december = build_receipt(tenant, b.account, "2026-12")

    assert november.charges_total == 40_000 and november.closing_balance == -40_000
    assert [(line.amount, line.for_period) for line in december.charges] == [(40_000, None), (-40_000, "2026-11")]
    assert december.charges_total == 0
    assert december.opening_balance == -40_000
    assert december.closing_balance == -40_000
    assert _balanced(december)


def test_corrections_are_other_changes_and_keep_the_balance_right(tenant, scope, books):
    from core.payments.service import correction

    with scope(tenant):
        b = books()
        b.charge(10_000, utc(2026, 11, 1, 9))
        correction(b.account, 3_000, "compensation for an outage", key="c-1")
        session.commit()
        this_month = build_receipt(tenant, b.account, f"{utcnow().astimezone(ZoneInfo(tenant.timezone)):%Y-%m}")
        november = build_receipt(tenant, b.account, "2026-11")

    assert this_month.other_total == 3_000  # a correction is posted now
    assert _balanced(this_month) and _balanced(november)


def test_lines_from_enabled_plugins_inform_and_do_not_add_money(app, tenant, scope, books, enable_plugin):
    enable_plugin(tenant, "receiptlines")
    with scope(tenant):
        b = books()
        b.charge(75_000, utc(2026, 11, 1, 9))
        session.commit()
        receipt = build_receipt(tenant, b.account, "2026-11")

    assert [(line.title, line.amount, line.details) for line in receipt.info_lines] == [
        ("Тариф «Домашний 100»", 75_000, "100 Мбит/с, 2026-11"),
        ("Статический IP-адрес", None, ""),
    ]
    assert receipt.charges_total == 75_000
    assert receipt.amount_due == 75_000


def test_lines_returned_as_dicts_still_print_with_a_deprecation_warning(
    app, tenant, scope, books, enable_plugin, monkeypatch
):
    def old_style(tenant, account, period):
        return [{"title": "Тариф «Домашний 100»", "amount": 75000, "details": "0.3 form"}]

    # The hook implementation was registered when the app was made; swap what it calls.
    enable_plugin(tenant, "receiptlines")
    hook = next(impl for impl in app.plugins.hook.receipt_lines.get_hookimpls() if impl.plugin_name == "receiptlines")
    monkeypatch.setattr(hook, "function", old_style)
    with scope(tenant):
        b = books()
        with pytest.warns(DeprecationWarning, match="ReceiptLine"):
            receipt = build_receipt(tenant, b.account, "2026-11")
    assert [(line.title, line.amount, line.details) for line in receipt.info_lines] == [
        ("Тариф «Домашний 100»", 75_000, "0.3 form")
    ]


def test_lines_of_plugins_the_tenant_has_not_enabled_are_not_shown(tenant, scope, books):
    with scope(tenant):
        b = books()
        receipt = build_receipt(tenant, b.account, "2026-11")
    assert receipt.info_lines == ()


@pytest.mark.parametrize("period", ["2026-13", "2026-1", "11.2026", "", "2026-00"])
def test_a_malformed_period_is_refused(tenant, scope, books, period):
    with scope(tenant):
        b = books()
        with pytest.raises(ReceiptError):
            build_receipt(tenant, b.account, period)


def test_an_account_of_another_tenant_is_refused(tenant, make_tenant, scope, books):
    other = make_tenant("other")
    with scope(other):
        foreign = books("555").account
        session.commit()
    with scope(tenant), pytest.raises(ReceiptError):
        build_receipt(tenant, foreign, "2026-11")


@pytest.fixture
def app_plugins():
    from tests.receipts import lines_plugin

    return [lines_plugin]
