"""End-to-end in Chromium against ``abonent demo``: a subscriber opens a support conversation and
requests a technician visit; the operator sees both in their queues."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

TENANTS_DIR = Path(__file__).resolve().parents[2] / "tenants"
pytestmark = pytest.mark.browser


def _users(slug: str) -> list[dict]:
    return tomllib.loads((TENANTS_DIR / f"{slug}.toml").read_text(encoding="utf-8"))["demo"]["users"]


def _login(page: Page, base: str, login: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill(password)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    expect(page.locator("form.logout")).to_be_visible()


def test_subscriber_writes_to_support_and_calls_a_technician(browser: Browser, demo_url: str, artifacts: Path):
    users = _users("uralnet")
    subscriber = next(u for u in users if "subscriber" in u["roles"])
    operator = next(u for u in users if "operator" in u["roles"])
    base = f"{demo_url}/t/uralnet"
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        _login(page, base, subscriber["login"], subscriber["password"])
        page.goto(f"{base}/support/new")
        page.locator("select[name=category]").select_option(index=1)
        page.locator("input[name=subject]").fill("Не работает интернет")
        page.locator("textarea[name=body]").fill("С утра нет соединения, роутер перезагружал.")
        page.locator("form:has(textarea[name=body]) button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/support/\d+$"))
        expect(page.locator("main")).to_contain_text("Не работает интернет")
        page.screenshot(path=artifacts / "uralnet-support-ticket.png", full_page=True)

        page.goto(f"{base}/visits/new")
        page.locator("input[name=account_id]").first.check()
        page.locator("select[name=reason]").select_option(index=1)
        page.locator("textarea[name=description]").fill("Нужно перенастроить роутер.")
        page.locator("input[name=slot]:not([disabled])").first.check()
        page.locator("form:has(textarea[name=description]) button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/visits/\d+$"))
        page.screenshot(path=artifacts / "uralnet-visit-request.png", full_page=True)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= 390, f"horizontal scrolling: {scroll_width}px"
    finally:
        context.close()

    staff = browser.new_context(viewport={"width": 1280, "height": 800})
    page = staff.new_page()
    try:
        _login(page, base, operator["login"], operator["password"])
        page.goto(f"{base}/admin/support")
        expect(page.locator("main")).to_contain_text("Не работает интернет")
        page.goto(f"{base}/admin/visits")
        expect(page.locator("main")).to_contain_text("Примерная, д. 5")
        page.screenshot(path=artifacts / "uralnet-operator-visits.png", full_page=True)
    finally:
        staff.close()
