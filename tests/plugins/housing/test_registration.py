"""Residents' self-registration in Russian and English, over a real SMTP server: the request, the mailed link, the
proof of the flat (its number, or the last bill under the stronger policy), the mailed password; the same answer
and the same mail for an existing and a missing account number; limits; more flats bound and unbound."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event, func, select

from core.api import open_account, save_settings, session, tenant_scope
from core.identity.models import User
from core.jobs.registry import run_job
from core.testing.fixtures import tenant_path
from plugins.housing.models import AccountPremises, Accrual, Building, Premises

LINK = re.compile(r"https?://\S+/housing/register/\S+")
PASSWORD = re.compile(r"(?:Пароль|Password): (\S+)")
CSRF = re.compile(r'name="csrf_token" value="[^"]+"')
TOKEN = re.compile(r"/housing/register/[^\s\"]+")


@pytest.fixture
def app_config(app_config, smtp_server):
    return {**app_config, "SMTP_URL": smtp_server.url}


@pytest.fixture
def company(app, make_tenant, enable_plugin):
    """``company(slug, locale, policy)``: a housing tenant with flats 12 (account 1000120, a bill for November
    2026 of 3 456,78 ₽) and 7 (account 1000070), nobody registered."""

    def make(slug: str, locale: str = "ru", policy: str = "flat_number"):
        tenant = make_tenant(slug, login_identifier="email", locale=locale)
        enable_plugin(tenant, "housing")
        with app.app_context(), tenant_scope(tenant.id):
            building = Building(code="L5", address="ул. Ленина, 5", total_area=Decimal(6000))
            session.add(building)
            session.flush()
            for number, account_number in (("12", "1000120"), ("7", "1000070")):
                flat = Premises(building_id=building.id, number=number, area=Decimal(50), residents=2)
                session.add(flat)
                session.flush()
                account = open_account(account_number, holder_name="Иванов", address=f"ул. Ленина, 5, кв. {number}")
                session.add(AccountPremises(personal_account_id=account.id, premises_id=flat.id))
                for period, amount in ((date(2026, 10, 1), 300000), (date(2026, 11, 1), 245678)):
                    for service, part in (("maintenance", 100000), ("water", amount - 100000)):
                        session.add(
                            Accrual(
                                personal_account_id=account.id,
                                service=service,
                                period=period,
                                amount=part,
                                method="per_area",
                                ledger_key=f"charge:{account.id}:{service}:{period}",
                            )
                        )
            if policy != "flat_number":
                save_settings("housing.registration", {"flat_proof": policy})
            session.commit()
        return tenant

    return make


def deliver(app) -> None:
    run_job(app, "core.mail.deliver")


def body(message) -> str:
    return message.get_body(("plain",)).get_content()


def link_path(message) -> str:
    return "/" + LINK.search(body(message)).group(0).split("://", 1)[1].split("/", 1)[1]


def register(client, tenant, number="1000120", email="anna@example.com", name="Анна Петровна Иванова"):
    return client.submit(
        tenant_path(tenant, "/housing/register"), {"account_number": number, "full_name": name, "email": email}
    )


def confirmation_link(app, smtp_server, tenant, client, number="1000120", email="anna@example.com") -> str:
    assert register(client, tenant, number, email).status_code == 200
    deliver(app)
    return link_path(smtp_server.sink.to(email)[-1])


def without_csrf(response) -> str:
    """The page but for the CSRF token (signed with the current second) and the link's own token."""
    return TOKEN.sub("/housing/register/TOKEN", CSRF.sub('name="csrf_token"', response.get_data(as_text=True)))


def users_and_access(app, tenant) -> tuple[int, int]:
    from core.accounts.models import AccountAccess

    with app.app_context(), tenant_scope(tenant.id):
        return session.scalar(select(func.count(User.id))), session.scalar(select(func.count(AccountAccess.id)))


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("ru", ("Зарегистрироваться по номеру лицевого счёта", "Проверьте почту", "Подтвердите квартиру", "логин")),
        ("en", ("Register with your personal account number", "Check your e-mail", "Confirm your flat", "login")),
    ],
)
def test_register_confirm_the_mail_prove_the_flat_and_log_in_with_the_mailed_password(
    app, company, client, smtp_server, locale, words
):
    tenant = company(f"reg-{locale}", locale=locale)
    login_page = client.get(tenant_path(tenant, "/login")).get_data(as_text=True)
    assert words[0] in login_page and "/housing/register" in login_page
    sent = register(client, tenant, " 1000 120 ", "Anna@Example.com")
    assert sent.status_code == 200 and words[1] in sent.get_data(as_text=True)
    deliver(app)
    [confirm] = smtp_server.sink.to("anna@example.com")
    path = link_path(confirm)
    form = client.get(path)
    assert form.status_code == 200 and words[2] in form.get_data(as_text=True)

    done = client.submit(path, {"flat_number": " 12 "})
    assert done.status_code == 200 and "anna@example.com" in done.get_data(as_text=True)
    deliver(app)
    [mailed] = smtp_server.sink.to("anna@example.com")[1:]
    assert words[3] in body(mailed).lower() and "1000120" in body(mailed)
    password = PASSWORD.search(body(mailed)).group(1)
    assert re.fullmatch(r"[A-Za-z0-9]{8,}", password)

    resident = client.submit(tenant_path(tenant, "/login"), {"login": "anna@example.com", "password": password})
    assert resident.status_code == 302
    flats = client.get(tenant_path(tenant, "/housing/flats")).get_data(as_text=True)
    assert "1000120" in flats and "ул. Ленина, 5" in flats and "1000070" not in flats
    with app.app_context(), tenant_scope(tenant.id):
        user = session.scalar(select(User).where(User.login == "anna@example.com"))
        assert user.full_name == "Анна Петровна Иванова" and user.email_confirmed


def test_an_existing_and_a_missing_account_number_get_the_same_answer_and_the_same_mail(
    app, company, client, smtp_server
):
    tenant = company("reg-same")
    existing = register(client, tenant, "1000120")
    missing = register(client, tenant, "9999999")
    assert existing.status_code == missing.status_code == 200
    assert without_csrf(existing) == without_csrf(missing)
    deliver(app)
    first, second = smtp_server.sink.to("anna@example.com")
    assert first["Subject"] == second["Subject"]
    assert LINK.sub("LINK", body(first)) == LINK.sub("LINK", body(second))

    # The proof step cannot tell them apart either: a missing account and a wrong flat are refused alike.
    wrong_flat = client.submit(link_path(first), {"flat_number": "13"})
    no_account = client.submit(link_path(second), {"flat_number": "13"})
    assert wrong_flat.status_code == no_account.status_code == 400
    assert without_csrf(wrong_flat).replace("1000120", "N") == without_csrf(no_account).replace("9999999", "N")
    assert "не совпадают" in wrong_flat.get_data(as_text=True)
    deliver(app)
    assert len(smtp_server.messages) == 2  # no login, no password
    assert users_and_access(app, tenant) == (0, 0)


@contextmanager
def statements(app):
    """The SQL the app runs meanwhile, as statement texts (parameters left out)."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _many):
        seen.append(statement)

    engine = app.extensions["abonent.db"].engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_an_existing_and_a_missing_account_number_run_the_same_statements(app, company, client, smtp_server):
    """Equal work on both branches, step by step: what the database is asked is the same, only the values differ."""
    tenant = company("reg-work")
    register(client, tenant, "1000070", "warm@example.com")  # plugin state and caches warmed up
    with statements(app) as existing:
        register(client, tenant, "1000120", "first@example.com")
    with statements(app) as missing:
        register(client, tenant, "9999999", "second@example.com")
    assert existing == missing and existing
    deliver(app)
    first, second = (link_path(smtp_server.sink.to(who)[-1]) for who in ("first@example.com", "second@example.com"))
    with statements(app) as wrong_flat:
        client.submit(first, {"flat_number": "13"})
    with statements(app) as no_account:
        client.submit(second, {"flat_number": "13"})
    assert wrong_flat == no_account and wrong_flat


def test_requests_are_throttled_after_three_per_e_mail(app, company, client, smtp_server):
    tenant = company("reg-limit", locale="en")
    for number in ("1000120", "5", "6"):
        assert register(client, tenant, number).status_code == 200
    refused = register(client, tenant, "1000120")
    assert refused.status_code == 429 and "Too many attempts. Try again in" in refused.get_data(as_text=True)
    deliver(app)
    assert len(smtp_server.sink.to("anna@example.com")) == 3


def test_wrong_flat_numbers_bind_nothing_and_are_throttled_after_five(app, company, client, smtp_server):
    tenant = company("reg-wrong")
    path = confirmation_link(app, smtp_server, tenant, client)
    for wrong in ("13", "12а", "1 2", "кв. 12", "120"):
        refused = client.submit(path, {"flat_number": wrong})
        assert refused.status_code == 400 and "не совпадают" in refused.get_data(as_text=True)
    locked = client.submit(path, {"flat_number": "12"})  # right, but too late
    assert locked.status_code == 429 and "Слишком много попыток" in locked.get_data(as_text=True)
    assert client.submit(path, {"flat_number": ""}).status_code == 400
    assert users_and_access(app, tenant) == (0, 0)
    deliver(app)
    assert len(smtp_server.messages) == 1


@pytest.mark.parametrize(
    ("locale", "mismatch", "month_error"),
    [
        ("ru", "не совпадают", "Укажите месяц"),
        ("en", "These details do not match our records.", "Enter the month as on the bill"),
    ],
)
def test_the_last_bill_policy_wants_the_right_sum_and_month(
    app, company, client, smtp_server, locale, mismatch, month_error
):
    tenant = company(f"reg-bill-{locale}", locale=locale, policy="last_bill")
    path = confirmation_link(app, smtp_server, tenant, client)
    page = client.get(path).get_data(as_text=True)
    assert 'name="month"' in page and 'name="amount"' in page and 'name="flat_number"' not in page
    for month, amount in (("11.2026", "2456,79"), ("10.2026", "2456,78"), ("2026-10", "3000")):
        refused = client.submit(path, {"month": month, "amount": amount})
        assert refused.status_code == 400 and mismatch in refused.get_data(as_text=True)
    bad = client.submit(path, {"month": "ноябрь", "amount": "2456,78"})
    assert bad.status_code == 400 and month_error in bad.get_data(as_text=True)
    assert users_and_access(app, tenant) == (0, 0)
    assert client.submit(path, {"month": "11.2026", "amount": "2 456,78"}).status_code == 200
    assert users_and_access(app, tenant) == (1, 1)


def test_a_second_flat_shows_in_the_switcher_and_can_be_unbound(app, company, client, smtp_server, make_user, login):
    tenant = company("reg-two")
    path = confirmation_link(app, smtp_server, tenant, client)
    client.submit(path, {"flat_number": "12"})
    deliver(app)
    password = PASSWORD.search(body(smtp_server.sink.to("anna@example.com")[-1])).group(1)
    client.submit(tenant_path(tenant, "/login"), {"login": "anna@example.com", "password": password})

    wrong = client.submit(tenant_path(tenant, "/housing/flats"), {"account_number": "1000070", "flat_number": "12"})
    assert wrong.status_code == 400 and "не совпадают" in wrong.get_data(as_text=True)
    bound = client.submit(tenant_path(tenant, "/housing/flats"), {"account_number": "1000070", "flat_number": "7"})
    assert bound.status_code == 302
    switcher = client.get(tenant_path(tenant, "/money/")).get_data(as_text=True)
    assert 'name="account_id"' in switcher and "1000120" in switcher and "1000070" in switcher

    with app.app_context(), tenant_scope(tenant.id):
        from core.api import find_account

        second = find_account("1000070").id
    stranger = login(tenant, make_user(tenant, "other@example.com"))
    assert stranger.submit(tenant_path(tenant, f"/housing/flats/{second}/unbind"), {}).status_code == 404
    done = client.submit(tenant_path(tenant, f"/housing/flats/{second}/unbind"), {})
    assert done.status_code == 302
    flats = client.get(tenant_path(tenant, "/housing/flats")).get_data(as_text=True)
    assert "удалён" in flats and "кв. 7" not in flats.split("Привязать")[0]
    switcher = client.get(tenant_path(tenant, "/money/")).get_data(as_text=True)
    assert 'name="account_id"' not in switcher  # one account left: no switcher
    assert users_and_access(app, tenant)[1] == 1


def test_another_tenants_account_number_fails_like_a_missing_one(app, company, client, smtp_server):
    home, other = company("reg-home"), company("reg-other")
    with app.app_context(), tenant_scope(other.id):
        from core.api import find_account

        find_account("1000120").number = "2000120"  # the other company's account numbers differ
        session.commit()
    path = confirmation_link(app, smtp_server, other, client, number="1000120")
    refused = client.submit(path, {"flat_number": "12"})
    assert refused.status_code == 400 and "не совпадают" in refused.get_data(as_text=True)
    assert users_and_access(app, other) == (0, 0) and users_and_access(app, home) == (0, 0)
    # A link made for one company does not open on another's site.
    home_link = confirmation_link(app, smtp_server, home, client, email="boris@example.com")
    assert client.get(home_link.replace("/t/reg-home/", "/t/reg-other/")).status_code == 410
