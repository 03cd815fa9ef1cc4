"""End-to-end money screens in Chromium against ``abonent demo``: a subscriber in debt tops up by card
through the sandbox gateway (a real server-to-server notification), sees the balance and history
change and prints a receipt; an operator finds the account and sees the payment."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

TENANTS_DIR = Path(__file__).resolve().parents[2] / "tenants"
pytestmark = pytest.mark.browser


def _demo(slug: str) -> dict:
    return tomllib.loads((TENANTS_DIR / f"{slug}.toml").read_text(encoding="utf-8"))


def _login(page: Page, base: str, login: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill(password)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    expect(page.locator("form.logout")).to_be_visible()


def _balance(page: Page) -> str:
    return page.locator("[data-testid=balance]").first.inner_text().replace("\u00a0", " ").replace("\u202f", " ")


def test_indebted_subscriber_tops_up_by_card_and_prints_a_receipt(browser: Browser, demo_url: str, artifacts: Path):
    data = _demo("uralnet")
    user = next(u for u in data["demo"]["users"] if "subscriber" in u["roles"])
    account = next(a for a in data["demo"]["accounts"] if user["login"] in a["users"])
    debt = 3 * (account["monthly_charge"] - account["monthly_payment"])
    assert debt > 0, "the demo subscriber should be in debt"
    base = f"{demo_url}/t/uralnet"
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        _login(page, base, user["login"], user["password"])
        page.goto(f"{base}/money/")
        expect(page.locator("[data-testid=balance]")).to_contain_text(f"{debt // 100}")
        assert "-" in _balance(page) or "−" in _balance(page)
        page.screenshot(path=artifacts / "uralnet-money-debt.png", full_page=True)

        page.locator("a[href='/t/uralnet/money/pay']").first.click()
        amount = page.locator("input[name=amount]")
        expect(amount).to_have_value(re.compile(rf"^{debt // 100}([.,]0+)?$"))
        page.locator("form:has(input[name=amount]) button[type=submit]").click()

        expect(page).to_have_url(re.compile(r"/payments/sandbox/"))
        page.screenshot(path=artifacts / "uralnet-sandbox.png", full_page=True)
        page.locator("form:has(input[name=payment_id]) button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/payments/return/"))

        page.goto(f"{base}/money/")
        expect(page.locator("[data-testid=balance]")).to_contain_text("0,00")
        page.goto(f"{base}/money/history?kind=payment")
        expect(page.locator("table.table tbody tr").first).to_contain_text(f"{debt // 100}")

        page.goto(f"{base}/money/receipt")
        expect(page.locator("svg").first).to_be_visible()
        page.screenshot(path=artifacts / "uralnet-receipt.png", full_page=True)
        pdf = page.request.get(f"{base}/money/receipt.pdf")
        assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    finally:
        context.close()


def test_operator_finds_the_account_and_its_statement(browser: Browser, demo_url: str, artifacts: Path):
    data = _demo("uralnet")
    operator = next(u for u in data["demo"]["users"] if "operator" in u["roles"])
    account = data["demo"]["accounts"][0]
    base = f"{demo_url}/t/uralnet"
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        _login(page, base, operator["login"], operator["password"])
        page.goto(f"{base}/admin/accounts")
        page.locator("input[name=q]").fill(account["holder_name"].split()[0])
        page.locator("form[role=search] button[type=submit]").click()
        page.get_by_role("link", name=account["number"]).first.click()
        expect(page.locator("h1")).to_contain_text(account["number"])
        page.locator("input[name=from]").fill("2020-01-01")
        page.locator("form.filters button[type=submit]").click()
        expect(page.locator("table.table tbody tr").first).to_be_visible()
        page.screenshot(path=artifacts / "uralnet-operator-account.png", full_page=True)
    finally:
        context.close()
