"""A new resident's whole first visit in Chromium at 360 px against ``abonent demo`` (issue #14, point 8).

Flat 9 of ул. Лесная, 3 (personal account 5003000091) has no login in the demo. The visitor registers with the
account number → confirms the e-mail by the link that arrives at a real SMTP server (the demo's job consumer
delivers the outbox there) → proves the flat with its number as printed → logs in with the password from the
second letter → submits readings (cold water with a decimal comma; the old five-digit electricity meter going
past 99999, a rollover) → reads last month's accruals and "why this amount" → opens the ЕПД and its PDF → pays
the unpaid month in the PayKeeper sandbox → sees the balance at zero. Every page fits 360 px; a screenshot of
each step goes to ``test-artifacts/housing-journey/``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from core.testing.fixtures import SmtpServer
from tests.e2e.conftest import run_demo
from tests.e2e.test_walk_browser import WIDTH, problems_on

pytestmark = pytest.mark.browser

SLUG = "uyutdom"
ACCOUNT = "5003000091"  # the demo flat nobody has registered for (tenants/uyutdom.toml)
FLAT = "9"
EMAIL = "zaitseva@example.com"
MAIL_WAIT = 30.0  # seconds for the demo's job consumer to deliver a letter


@pytest.fixture
def mailing_demo(smtp_server: SmtpServer, tmp_path: Path) -> Iterator[str]:
    """``abonent demo`` whose mail goes to the test's SMTP server."""
    with run_demo(tmp_path, {"ABONENT_SMTP_URL": smtp_server.url}) as base:
        yield base


def _letter(smtp_server: SmtpServer, to: str, containing: str) -> str:
    """The text of the letter to ``to`` that says ``containing``, waiting for the demo to deliver it."""
    deadline = time.monotonic() + MAIL_WAIT
    while time.monotonic() < deadline:
        for letter in smtp_server.sink.to(to):
            if containing in _text(letter):
                return _text(letter)
        time.sleep(0.2)
    pytest.fail(f"no letter to {to} with {containing!r} within {MAIL_WAIT:.0f} s")


def _text(letter: EmailMessage) -> str:
    return letter.get_body(preferencelist=("plain",)).get_content()


def _plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


class Journey:
    """The visitor's tab: checks every page it shows and keeps a numbered screenshot of each step."""

    def __init__(self, page: Page, shots: Path) -> None:
        self.page, self.shots, self.step = page, shots, 0

    def check(self, name: str) -> None:
        """The page fits 360 px and shows no template leftovers or English; its screenshot is kept."""
        self.step += 1
        self.page.screenshot(path=self.shots / f"{self.step:02d}-{name}.png", full_page=True)
        found = problems_on(self.page, "ru", {EMAIL, *re.findall(r"[A-Za-z]+", EMAIL)})
        assert not found, f"{name} ({self.page.url}): {'; '.join(found)}"


def _meter(page: Page, serial: str):
    return page.locator("section.card", has_text=serial)


def _last_value(page: Page, serial: str) -> Decimal:
    text = _meter(page, serial).locator("p.muted", has_text="Последнее значение").inner_text()
    return Decimal(re.search(r"(\d+(?:[.,]\d+)?)", text.split(":", 1)[1]).group(1).replace(",", "."))


def _submit(page: Page, serial: str, value: str) -> None:
    card = _meter(page, serial)
    card.locator("input[name=zone_1]").fill(value)
    card.locator("button[type=submit]").click()


def test_a_new_resident_registers_reads_meters_follows_accruals_and_pays(
    browser: Browser, mailing_demo: str, smtp_server: SmtpServer, artifacts: Path
) -> None:
    base = f"{mailing_demo}/t/{SLUG}"
    shots = artifacts / "housing-journey"
    shots.mkdir(exist_ok=True)
    for old in shots.glob("*.png"):
        old.unlink()
    context = browser.new_context(viewport={"width": WIDTH, "height": 740}, locale="ru-RU")
    host = urlsplit(mailing_demo).hostname
    context.add_cookies([{"name": "abonent_lang", "value": "ru", "domain": host, "path": "/"}])
    page = context.new_page()
    journey = Journey(page, shots)
    try:
        # 1. Register with the personal account number from the payment document.
        page.goto(f"{base}/login")
        page.get_by_role("link", name="Зарегистрироваться по номеру лицевого счёта").click()
        journey.check("register")
        page.locator("input[name=account_number]").fill(ACCOUNT)
        page.locator("input[name=full_name]").fill("Зайцева Анна Павловна")
        page.locator("input[name=email]").fill(EMAIL)
        page.locator("form:has(input[name=email]) button[type=submit]").click()
        expect(page.locator("h1")).to_have_text("Проверьте почту")
        expect(page.locator("[role=status]").first).to_contain_text(EMAIL)
        journey.check("check-your-mail")

        # 2. The confirmation letter arrives at the SMTP server; its link confirms the e-mail.
        confirm = _letter(smtp_server, EMAIL, "/housing/register/")
        link = re.search(r"https?://\S+/housing/register/\S+", confirm).group(0)
        assert "Зайцева Анна Павловна" in confirm
        page.goto(link)

        # 3. The proof of the flat: its number as printed on the payment document.
        expect(page.locator("input[name=flat_number]")).to_be_visible()
        journey.check("proof-of-the-flat")
        page.locator("input[name=flat_number]").fill(FLAT)
        page.locator("form:has(input[name=flat_number]) button[type=submit]").click()
        expect(page.locator("h1")).to_have_text("Квартира подтверждена")
        journey.check("flat-confirmed")

        # 4. The login and the random password arrive by mail; the resident logs in.
        done = _letter(smtp_server, EMAIL, "Пароль:")
        assert ACCOUNT in done
        password = re.search(r"Пароль: ([A-Za-z0-9]+)", done).group(1)
        page.get_by_role("link", name="Войти").first.click()
        page.locator("input[name=login]").fill(EMAIL)
        page.locator("input[name=password]").fill(password)
        page.locator("form:has(input[name=password]) button[type=submit]").click()
        expect(page.locator("form.logout")).to_be_visible()
        page.goto(f"{base}/housing/flats")
        expect(page.locator("main")).to_contain_text(ACCOUNT)
        journey.check("my-flats")

        # 5. Readings: cold water with a decimal comma; electricity past 99999 (a rollover).
        page.goto(f"{base}/housing/readings")
        expect(page.locator("main")).to_contain_text(f"ул. Лесная, д. 3, кв. {FLAT}")
        journey.check("readings")
        water = _last_value(page, "ХВ-1766204") + Decimal("6.45")
        if water == water.to_integral_value():
            water += Decimal("0.5")
        typed = f"{water.normalize():f}".replace(".", ",")
        assert "," in typed
        _submit(page, "ХВ-1766204", typed)
        expect(page.locator(".flash-info").first).to_have_text("Показания сохранены.")
        shown = _meter(page, "ХВ-1766204").locator("p.muted", has_text="Последнее значение").inner_text()
        assert f"Последнее значение: {typed} (" in shown
        # The demo's window is 20–25 of the company's calendar (Moscow): a reading sent later is saved for next
        # month, and the page says so; one sent before is this month's.
        month = datetime.now(ZoneInfo("Europe/Moscow")).date().replace(day=1)
        if page.get_by_text("эти будут учтены в следующем месяце").count():
            month = (month + timedelta(days=31)).replace(day=1)
        assert f"({month:%m.%Y})" in shown, shown
        journey.check("reading-with-a-comma")

        previous = _last_value(page, "Э-31400917")
        assert previous > Decimal("99900"), "the demo's old electricity meter should be about to roll over"
        rolled = int(previous + 140 - 100000)  # 140 kWh this month, past 99999
        _submit(page, "Э-31400917", f"{rolled:05d}")
        expect(page.locator(".flash-info").first).to_have_text("Показания сохранены.")
        expect(page.locator("main")).to_contain_text("Счётчик прошёл максимальное значение и начал отсчёт с нуля.")
        expect(_meter(page, "Э-31400917")).to_contain_text(f"Последнее значение: {rolled} (")
        journey.check("reading-rollover")

        # 6. Last month's accruals and why each amount is what it is.
        page.goto(f"{base}/housing/accruals")
        expect(page.locator("h1")).to_contain_text("Начисления за")
        water_line = page.locator("section.card", has_text="Холодное водоснабжение")
        water_line.locator("summary", has_text="Почему такая сумма").click()
        expect(water_line.locator("details")).to_contain_text("по счётчику: объём × тариф")
        expect(water_line.locator("details")).to_contain_text("тариф действует с")
        expect(water_line).to_contain_text("Изменение к прошлому месяцу")
        journey.check("accrual-trace")

        # 7. The ЕПД page and its PDF.
        page.goto(f"{base}/housing/epd")
        expect(page.locator("main")).to_contain_text(ACCOUNT)
        expect(page.locator("main")).to_contain_text("Зайцева")
        journey.check("epd")
        pdf = page.locator("a[href*='.pdf']").first.get_attribute("href")
        answer = page.request.get(f"{mailing_demo}{pdf}")
        assert answer.ok and answer.headers["content-type"] == "application/pdf"
        assert answer.body().startswith(b"%PDF")

        # 8. Pay the unpaid month in the PayKeeper sandbox; the balance comes to zero.
        page.goto(f"{base}/money/")
        balance = _plain(page.locator("[data-testid=balance]").first.inner_text())
        assert re.search(r"[-−]", balance), "last month's bill is unpaid in the demo"
        rubles, kopecks = re.search(r"([\d ]+),(\d\d)", balance).groups()
        journey.check("balance-in-debt")
        page.locator(f"a[href='/t/{SLUG}/money/pay']").first.click()
        expect(page.locator("input[name=amount]")).to_have_value(
            re.compile(rf"^{rubles.replace(' ', '')}[.,]{kopecks}$")
        )
        journey.check("pay")
        page.locator("form:has(input[name=amount]) button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/payments/sandbox/"))
        journey.check("sandbox")
        page.locator("form:has(input[name=payment_id]) button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/payments/return/"))
        page.goto(f"{base}/money/")
        expect(page.locator("[data-testid=balance]").first).to_contain_text("0,00")
        expect(page.locator("main")).to_contain_text("Оплата картой")
        journey.check("balance-paid")
    finally:
        context.close()
