"""Identifier checks: valid numbers pass, and each kind of mistake gets its own sentence (English and Russian)."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from plugins.dmdk.identifiers.checks import (
    account_problem,
    bic_problem,
    inn_problem,
    kpp_problem,
    ogrn_problem,
    ogrnip_problem,
    okved_problem,
    problem,
    snils_problem,
)
from plugins.dmdk.identifiers.okved import okved_codes


def ogrnip_with_remainder(remainder: int) -> str:
    """A 15-digit OGRNIP whose first 14 digits leave ``remainder`` divided by 13, with its proper check digit."""
    base = 30450011600000
    first14 = base + (remainder - base % 13) % 13
    assert first14 % 13 == remainder
    return f"{first14}{remainder % 10}"


def valid_account(bic: str, head: str = "4070281093800000") -> str:
    """A settlement account at ``bic``: the key digit (the 9th) chosen so the account checks."""
    for key in "0123456789":
        account = head[:8] + key + head[9:] + "0001"
        if account_problem(account, bic) is None:
            return account
    raise AssertionError("no key digit fits")


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("inn", "7707083893"),
        ("inn", "500100732259"),
        ("ogrn", "1027700132195"),
        ("ogrn", "1027739642281"),
        ("ogrnip", "304500116000157"),
        ("kpp", "773601001"),
        ("kpp", "7736AB001"),
        ("okved", "47.77"),
        ("okved", "32.12"),
        ("okved", "46.72.3"),
        ("bic", "044525225"),
        ("snils", "112-233-445 95"),
        ("snils", "11223344595"),
        ("snils", "001-001-997 00"),
    ],
)
def test_valid_numbers_pass(kind, value):
    assert problem(kind, value) is None


@pytest.mark.parametrize("remainder", [10, 11, 12])
def test_an_ogrnip_whose_remainder_is_10_11_or_12_has_its_lowest_digit_as_the_check(remainder):
    number = ogrnip_with_remainder(remainder)
    assert ogrnip_problem(number) is None
    whole_remainder = number[:14] + str(remainder)  # what a library comparing the whole remainder would expect
    assert len(whole_remainder) == 16 and ogrnip_problem(whole_remainder) is not None
    wrong = number[:14] + str((remainder % 10 + 1) % 10)
    assert "check digit" in ogrnip_problem(wrong)


@pytest.mark.parametrize(
    ("kind", "value", "words"),
    [
        ("inn", "", "Enter the INN"),
        ("inn", "77070838", "10 or 12 digits, not 8"),
        ("inn", "77070838a3", "digits only"),
        ("inn", "7707083894", "check digit"),
        ("inn", "500100732258", "check digit"),
        ("ogrn", "1027700132196", "check digit"),
        ("ogrn", "2027700132195", "starts with 1 or 5"),
        ("ogrn", "102770013219", "13 digits"),
        ("ogrnip", "304500116000158", "check digit"),
        ("ogrnip", "104500116000157", "starts with 3"),
        ("kpp", "77360100", "9 characters"),
        ("kpp", "7736ab001", "capital Latin letters"),
        ("kpp", "7736АБ001", "capital Latin letters"),  # Cyrillic letters
        ("okved", "47-77", "looks like 47.77"),
        ("okved", "47.777", "looks like 47.77"),
        ("okved", "47.98", "no code 47.98"),
        ("bic", "144525225", "starts with 04"),
        ("bic", "04452522", "9 digits"),
        ("snils", "112-233-445 96", "check number"),
        ("snils", "1122334459", "11 digits"),
    ],
)
def test_invalid_numbers_say_what_is_wrong(kind, value, words):
    assert words in problem(kind, value)


def test_an_account_is_checked_with_its_bank():
    account = valid_account("044525225")
    assert account_problem(account, "044525225") is None
    assert account_problem("30101810400000000225", "044525225") is None  # Sberbank's correspondent account
    assert "BIC" in account_problem(account, "044525974")
    typo = account[:-1] + str((int(account[-1]) + 1) % 10)
    assert "does not match the bank's BIC" in account_problem(typo, "044525225")
    assert "20 digits" in account_problem(account[:-1], "044525225")
    assert "starts with 04" in account_problem(account, "144525225")


def test_the_okved_dictionary_holds_real_codes_with_russian_titles():
    codes = okved_codes()
    assert len(codes) >= 200
    assert codes["47.77"] == "Торговля розничная часами и ювелирными изделиями в специализированных магазинах"
    assert codes["32.12"] == "Производство ювелирных изделий и аналогичных изделий"
    assert all(okved_problem(code) is None for code in codes)


def test_reasons_are_in_russian_on_a_russian_page(app):
    with app.test_request_context(), force_locale("ru"):
        assert inn_problem("7707083894") == "Контрольная цифра ИНН не сходится: в номере опечатка."
        assert "13" in ogrn_problem("102770013219")
        assert "ОКВЭД2" in okved_problem("47.98")
        assert kpp_problem("x") and "Latin" not in kpp_problem("x")
        assert bic_problem("144525225") == "БИК российского банка начинается с 04."
        assert snils_problem("112-233-445 96") and "SNILS" not in snils_problem("112-233-445 96")
