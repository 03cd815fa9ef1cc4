"""End-to-end: each demo tenant's cabinet in a real headless Chromium against ``abonent demo``.

Users, names and colours come from ``core/cli/demo_tenants/*.toml`` so the test follows the demo data.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

TENANTS_DIR = Path(__file__).resolve().parents[2] / "core" / "cli" / "demo_tenants"
MOBILE_WIDTH = 360

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class DemoTenant:
    """What the test needs from one ``tenants/<slug>.toml``."""

    slug: str
    name: str
    primary_color: str
    login: str
    password: str


def load_demo_tenants() -> list[DemoTenant]:
    """Every demo tenant with its first demo user whose roles include ``subscriber``."""
    tenants = []
    for path in sorted(TENANTS_DIR.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        users = data.get("demo", {}).get("users", [])
        user = next((u for u in users if "subscriber" in u.get("roles", ["subscriber"])), None)
        if user is None:
            raise ValueError(f"{path}: no [[demo.users]] entry with the subscriber role")
        tenants.append(
            DemoTenant(data["slug"], data["name"], data["branding"]["primary_color"], user["login"], user["password"])
        )
    return tenants


TENANTS = load_demo_tenants()


def rgb_to_hex(css_colour: str) -> str:
    """``rgb(11, 79, 156)`` (or ``rgba(…, 1)``) → ``#0b4f9c``."""
    match = re.fullmatch(r"rgba?\((\d+),\s*(\d+),\s*(\d+)(?:,\s*[\d.]+)?\)", css_colour.strip())
    assert match, f"unexpected computed colour {css_colour!r}"
    return "#" + "".join(f"{int(part):02x}" for part in match.groups())


def expect_login_page(page: Page, tenant: DemoTenant, path: str) -> None:
    """The page is ``tenant``'s login form (URL path ``path``, the tenant's name in the header)."""
    expect(page).to_have_url(re.compile(rf"^[^?]*{re.escape(path)}(\?.*)?$"))
    expect(page.locator("input[name=login]")).to_be_visible()
    expect(page.locator("input[name=password]")).to_be_visible()
    expect(page.locator("header.site-header .brand-name")).to_have_text(tenant.name)


def test_demo_has_several_tenants() -> None:
    """The cross-tenant checks below need at least two demo tenants."""
    assert len(TENANTS) >= 2, f"expected at least two tenants in {TENANTS_DIR}"


@pytest.mark.parametrize("tenant", TENANTS, ids=lambda t: t.slug)
def test_subscriber_dashboard(browser: Browser, demo_url: str, artifacts: Path, tenant: DemoTenant) -> None:
    """Log in, see the tenant's own branded dashboard (also at 360 px), log out."""
    others = [t.name for t in TENANTS if t.slug != tenant.slug]
    dashboard = f"{demo_url}/t/{tenant.slug}/"
    login_path = f"/t/{tenant.slug}/login"
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(dashboard)
        expect_login_page(page, tenant, login_path)
        page.locator("input[name=login]").fill(tenant.login)
        page.locator("input[name=password]").fill(tenant.password)
        page.locator("form:has(input[name=password]) button[type=submit]").click()

        expect(page).to_have_url(dashboard)
        expect(page.locator("form.logout")).to_be_visible()
        expect(page.locator("header.site-header .brand-name")).to_have_text(tenant.name)
        header_colour = page.locator("header.site-header").evaluate("e => getComputedStyle(e).backgroundColor")
        assert rgb_to_hex(header_colour) == tenant.primary_color.lower()
        body_text = page.locator("body").inner_text()
        assert tenant.name in body_text
        for other in others:
            assert other not in page.content(), f"{other!r} shown on {tenant.slug}'s dashboard"
        page.screenshot(path=artifacts / f"{tenant.slug}-dashboard.png", full_page=True)

        page.set_viewport_size({"width": MOBILE_WIDTH, "height": 800})
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= MOBILE_WIDTH, f"horizontal scrolling at {MOBILE_WIDTH} px: {scroll_width} px wide"
        page.screenshot(path=artifacts / f"{tenant.slug}-dashboard-{MOBILE_WIDTH}.png", full_page=True)

        page.locator("form.logout button[type=submit]").click()
        expect_login_page(page, tenant, login_path)
        page.goto(dashboard)
        expect_login_page(page, tenant, login_path)
    finally:
        context.close()


@pytest.mark.parametrize("tenant", TENANTS, ids=lambda t: t.slug)
def test_subdomain_login_page(browser: Browser, demo_url: str, tenant: DemoTenant) -> None:
    """``http://<slug>.localhost:<port>/`` is the same tenant's site (login page for a visitor)."""
    port = demo_url.rsplit(":", 1)[1]
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"http://{tenant.slug}.localhost:{port}/")
        expect_login_page(page, tenant, "/login")
        expect(page).to_have_url(re.compile(rf"^http://{re.escape(tenant.slug)}\.localhost:{port}/"))
        for other in TENANTS:
            if other.slug != tenant.slug:
                assert other.name not in page.content()
    finally:
        context.close()
