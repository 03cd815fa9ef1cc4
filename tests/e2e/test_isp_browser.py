"""The ISP subscriber's day in Chromium against ``abonent demo`` on a 360 px phone: an indebted
subscriber sees blocked services, takes a promised payment, services come back, changes the tariff
after reading the quote, tops up by card through the sandbox gateway, and sees balance and history."""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

TENANTS_DIR = Path(__file__).resolve().parents[2] / "tenants"
pytestmark = pytest.mark.browser


def _tenant_file(slug: str) -> dict:
    return tomllib.loads((TENANTS_DIR / f"{slug}.toml").read_text(encoding="utf-8"))


def _isp_demo(slug: str) -> dict:
    return _tenant_file(slug)["demo"]["plugins"]["isp"]


def _login(page: Page, base: str, login: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill(password)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    expect(page.locator("form.logout")).to_be_visible()


def _money(text: str) -> Decimal:
    """``-1 234,56 ₽`` (any spaces and minus sign) → ``Decimal('-1234.56')``."""
    cleaned = re.sub(r"[^\d,.\-−]", "", text).replace("−", "-").replace(",", ".")
    return Decimal(cleaned)


def _balance(page: Page) -> Decimal:
    return _money(page.locator("[data-testid=balance]").first.inner_text())


def test_indebted_subscriber_promise_tariff_change_and_card_payment(browser: Browser, demo_url: str, artifacts):
    isp = _isp_demo("uralnet")
    rules = _tenant_file("uralnet")["plugins"]["isp"]["settings"]
    assert rules["promise_amount_kind"] == "fixed"
    promised = Decimal(rules["promise_amount"]) / 100
    debtor = next(c for c in isp["contracts"] if c.get("state") == "blocked")
    products = {p["code"]: p for p in isp["products"]}
    current = products[debtor["products"][0]]
    upgrade = max(
        (
            p
            for p in products.values()
            if p["kind"] == "internet"
            and not p.get("archived")
            and p["monthly_fee"] > current["monthly_fee"]
            and "individual" in p.get("holder_kinds", ["individual"])
        ),
        key=lambda p: p["monthly_fee"],
    )
    base = f"{demo_url}/t/uralnet"
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="ru-RU")
    page = context.new_page()
    try:
        _login(page, base, debtor["number"], debtor["password"])

        # Blocked services and the limited mode.
        page.goto(f"{base}/isp/")
        expect(page.locator("[data-testid=limited-mode]")).to_be_visible()
        expect(page.locator("[data-testid=isp-services] .badge-blocked").first).to_be_visible()
        assert _balance(page) < 0
        page.screenshot(path=artifacts / "isp-blocked-360.png", full_page=True)

        # Promised payment: quote, confirm, services active at once.
        page.locator("[data-testid=limited-mode] a[href$='/isp/promise']").click()
        expect(page.locator("[data-testid=promise-quote]")).to_be_visible()
        page.screenshot(path=artifacts / "isp-promise-quote-360.png", full_page=True)
        page.locator("[data-testid=promise-quote] form button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/isp/?$"))
        expect(page.locator("[data-testid=limited-mode]")).to_have_count(0)
        expect(page.locator("[data-testid=isp-services] .badge-blocked")).to_have_count(0)
        expect(page.locator("[data-testid=isp-services] .badge-active").first).to_be_visible()
        assert _balance(page) >= 0

        # Tariff change with a quote (this tenant changes tariffs at once).
        page.goto(f"{base}/isp/tariffs")
        page.locator(f"a[href*='tariff={upgrade['code']}']").first.click()
        expect(page.locator("form[action$='/isp/tariffs/confirm']")).to_be_visible()
        expect(page.locator("main")).to_contain_text(upgrade["title"])
        page.screenshot(path=artifacts / "isp-tariff-quote-360.png", full_page=True)
        page.locator("form[action$='/isp/tariffs/confirm'] button[type=submit]").click()
        page.goto(f"{base}/isp/")
        expect(page.locator("[data-testid=isp-services]")).to_contain_text(upgrade["title"])

        # Top up by card in the sandbox gateway (a real server-to-server notification).
        before = _balance(page)
        page.goto(f"{base}/money/pay")
        page.locator("input[name=amount]").fill("1000")
        page.locator("form:has(input[name=amount]) button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/payments/sandbox/"))
        page.locator("form:has(input[name=payment_id]) button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/payments/return/"))

        page.goto(f"{base}/isp/")
        # The payment covers the promise, so the promise is repaid at once: its credit is taken back.
        assert _balance(page) == before + 1000 - promised
        expect(page.locator("[data-testid=isp-services] .badge-blocked")).to_have_count(0)
        page.screenshot(path=artifacts / "isp-after-payment-360.png", full_page=True)
        page.goto(f"{base}/isp/promise")
        expect(page.locator("[data-testid=promise-active]")).to_have_count(0)
        page.goto(f"{base}/money/history?kind=payment")
        expect(page.locator("table.table tbody tr").first).to_contain_text("1")
        expect(page.locator("table.table tbody tr").first).to_contain_text("000")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"the history page is {width}px wide on a 360px phone"
    finally:
        context.close()


def test_wifi_subscriber_logs_in_through_the_wifi_form(browser: Browser, demo_url: str):
    tenants = {slug: _isp_demo(slug) for slug in ("uralnet", "yakutcenter")}
    slug, contract = next(
        (slug, c) for slug, isp in tenants.items() for c in isp["contracts"] if c.get("category") == "wifi"
    )
    base = f"{demo_url}/t/{slug}"
    context = browser.new_context(viewport={"width": 360, "height": 780})
    page = context.new_page()
    try:
        page.goto(f"{base}/login")
        tabs = page.locator("nav.tabs a")
        expect(tabs).to_have_count(4)  # TCTR: cable, Wi-Fi, satellite, radio access points
        page.goto(f"{base}/login?as=cable")
        page.locator("input[name=login]").fill(contract["number"])
        page.locator("input[name=password]").fill(contract["password"])
        page.locator("form:has(input[name=password]) button[type=submit]").click()
        expect(page.locator("[role=alert]")).to_be_visible()  # the cable form names the Wi-Fi one
        page.goto(f"{base}/login?as=wifi")
        page.locator("input[name=login]").fill(contract["number"])
        page.locator("input[name=password]").fill(contract["password"])
        page.locator("form:has(input[name=password]) button[type=submit]").click()
        expect(page.locator("form.logout")).to_be_visible()
    finally:
        context.close()
