"""The money history titles each line in the viewer's language from its kind and data (issue #12 point 5):
"Оплата картой", "Платёж через Сбербанк", "Корректировка оператора: <reason>", month names, not codes."""

from datetime import UTC, datetime

import pytest

from core.accounts.service import grant_access, open_account
from core.db import session, tenant_scope
from core.identity.models import User
from core.ledger import service as ledger
from core.payments.service import correction
from core.testing.fixtures import tenant_path


@pytest.fixture
def site(make_tenant):
    return make_tenant("titles", login_identifier="contract", timezone="Asia/Yekaterinburg", locale="ru")


@pytest.fixture
def subscriber(app, site, make_user):
    user = make_user(site, "300100", full_name="Петров")
    with app.app_context(), tenant_scope(site.id):
        account = open_account("300100", holder_name="Петров П.П.", address="ул. Мира, 3")
        grant_access(session.get(User, user.id), account)
        personal = account.ledger_account
        card = {"channel": "card", "provider": "paykeeper"}
        ledger.transfer(
            "t-card", "payment", ledger.clearing_account("paykeeper"), personal, 50_000,
            meta=card, memo="card ord-1", occurred_at=datetime(2026, 10, 5, 6, tzinfo=UTC),
        )  # fmt: skip
        ledger.transfer(
            "t-sber", "payment", ledger.clearing_account("sberbank"), personal, 30_000,
            meta={"channel": "registry", "provider": "sberbank"}, memo="registry sberbank 77",
            occurred_at=datetime(2026, 10, 6, 6, tzinfo=UTC),
        )  # fmt: skip
        ledger.transfer(
            "t-fee", "charge", personal, ledger.revenue_account("internet"), 60_000,
            service="internet", period="2026-10", occurred_at=datetime(2026, 10, 1, 6, tzinfo=UTC),
        )  # fmt: skip
        correction(account, 1_000, "Ошибка кассира", "t-corr")
        session.commit()
    return user


def test_history_titles_operations_in_russian_words(site, subscriber, login):
    page = login(site, subscriber).get(tenant_path(site, "/money/history")).get_data(as_text=True)
    assert "Оплата картой" in page
    assert "Платёж через Сбербанк" in page
    assert "Корректировка оператора: Ошибка кассира" in page
    assert "Абонентская плата" in page and "октябрь 2026" in page
    for raw in ("2026-10", "card ord-1", "registry sberbank", "paykeeper", ">payment<", ">charge<"):
        assert raw not in page, raw


def test_history_titles_follow_the_viewers_language(site, subscriber, login):
    client = login(site, subscriber)
    client.set_cookie("abonent_lang", "en")
    page = client.get(tenant_path(site, "/money/history")).get_data(as_text=True)
    assert "Card payment" in page and "Payment through Sberbank" in page
    assert "Operator's correction: Ошибка кассира" in page.replace("&#39;", "'")
    assert "October 2026" in page and "Оплата картой" not in page


def test_the_api_gives_the_title_too(app, site, subscriber, api_token):
    """The mobile app shows the same words: each operation in the API has its ``title``."""
    with app.app_context(), tenant_scope(site.id):
        from core.accounts.models import PersonalAccount

        account_id = session.query(PersonalAccount).filter_by(number="300100").one().id
    token = api_token(site, subscriber)
    response = app.test_client().get(
        tenant_path(site, f"/api/v1/accounts/{account_id}/operations"), headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    items = body["items"] if isinstance(body, dict) else body
    assert {"Оплата картой", "Платёж через Сбербанк"} <= {item["title"] for item in items}


@pytest.fixture
def app_plugins():
    from tests.money import titling_plugin

    return [titling_plugin]


def test_a_plugin_titles_its_own_kind_through_operation_title(app, site, subscriber, login, enable_plugin):
    from core.accounts.service import find_account

    enable_plugin(site, "titling")
    with app.app_context(), tenant_scope(site.id):
        ledger.transfer(
            "t-bonus", "bonus", ledger.revenue_account("bonus"), find_account("300100").ledger_account, 5_000,
            meta={"reason": "отзыв"}, occurred_at=datetime(2026, 10, 7, 6, tzinfo=UTC),
        )  # fmt: skip
        session.commit()
    page = login(site, subscriber).get(tenant_path(site, "/money/history")).get_data(as_text=True)
    assert "Бонус за отзыв" in page
