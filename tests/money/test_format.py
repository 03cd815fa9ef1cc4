"""The one money module: what people, receipts and gateways read, and what is refused when typed."""

from datetime import date

import pytest

from core.money.format import AmountError, format_money, month_label, parse_money, parse_rubles

NBSP = "\u00a0"


def test_display_style_follows_the_page_language(app):
    with app.test_request_context(headers={"Accept-Language": "ru"}):
        assert format_money(150000) == f"1{NBSP}500,00{NBSP}₽"
        assert format_money(None) == f"0,00{NBSP}₽"


def test_receipt_style_is_russian_with_a_typographic_minus():
    assert format_money(123456, "receipt") == f"1{NBSP}234,56{NBSP}₽"
    assert format_money(-100000000, "receipt") == f"\u22121{NBSP}000{NBSP}000,00{NBSP}₽"


def test_wire_style_is_plain_rubles_with_a_dot():
    assert format_money(150050, "wire") == "1500.50"
    assert format_money(5, "wire") == "0.05"
    assert format_money(-5, "wire") == "-0.05"


@pytest.mark.parametrize("amount", [12.5, True, "100"])
def test_a_float_never_passes_for_money(amount):
    with pytest.raises(TypeError):
        format_money(amount)


@pytest.mark.parametrize(
    ("text", "kopecks"),
    [("1 234,5", 123450), (f"1{NBSP}500,00{NBSP}₽", 150000), ("0.29", 29), ("-5", -500), ("12", 1200)],
)
def test_typed_amounts_are_exact_kopecks(text, kopecks):
    assert parse_rubles(text) == kopecks


@pytest.mark.parametrize(
    ("text", "reason"),
    [("abc", "сумма abc — не число"), ("1,005", "больше двух знаков"), ("1e3", "не число"), ("NaN", "не число")],
)
def test_bad_amounts_are_explained_in_russian(app, text, reason):
    with app.test_request_context():
        with pytest.raises(AmountError) as refused:
            parse_money(text)
        assert reason in str(refused.value)


def test_wire_style_refuses_spaces_inside_and_zero_when_positive():
    with pytest.raises(AmountError, match="not a number"):
        parse_money("15 00", "wire")
    with pytest.raises(AmountError, match="zero"):
        parse_money("0.00", "wire", positive=True)


def test_month_names_come_from_babel():
    assert month_label(date(2026, 12, 1)) == "декабрь 2026"
    assert month_label("2026-05") == "май 2026"
    assert month_label("2026-05", locale="en") == "May 2026"
