"""Every page, every demo login, both demo tenants, at 360 px, in Russian and in English (issue #12, points 5, 7).

For each login the test starts at the tenant's start page and follows every same-site link (GET only: links,
never forms), one page per URL shape (``/support/tickets/7`` and ``/support/tickets/9`` are one shape). On each
page it fails on:

- horizontal scrolling: ``document.documentElement.scrollWidth`` wider than 360 px;
- template leftovers in the visible text: ``{``, ``}``, ``%d``, ``%(``, ``None``;
- on Russian pages, a word in Latin letters only that is not a brand, a unit or a login (``ALLOWED_LATIN``),
  and "г.." (a long date ending a sentence).

A full-page screenshot of every page visited in Russian goes to ``test-artifacts/walk/``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

TENANTS_DIR = Path(__file__).resolve().parents[2] / "tenants"
WIDTH = 360
MAX_PAGES = 80  # per login and language: a runaway crawl fails instead of running for ever
pytestmark = pytest.mark.browser

# Latin words a Russian page may show: brands, units, protocol and document names. Logins and e-mail
# addresses are removed from the text before the check.
ALLOWED_LATIN = {
    "Wi-Fi", "WiFi", "HD", "TV", "IP", "IPTV", "PDF", "CSV", "QR", "API", "OpenAPI", "URL", "SMS", "ID",
    "Mbit", "GB", "MB", "KB", "SBP", "Visa", "Mastercard", "Telegram", "WhatsApp", "VK", "PayKeeper", "QIWI", "Abonent",
    "CVC",  # the card's security code, printed so on the card
    "Atom", "RSS", "E-mail", "e-mail", "email", "INN", "JPEG", "PNG", "GIF", "WebP", "Ctrl", "P", "Mac",
    "English",  # the language switcher names the other language in that language
}  # fmt: skip

# Pages known to fail a check, with the reason (issue #12 point 6 is still open for them): they are walked and
# measured, and a failure on them is printed but does not fail this test. Remove a line when its page is fixed.
PENDING: dict[str, str] = {}

LEFTOVERS = re.compile(r"[{}]|%d|%\(|\bNone\b")
LATIN_WORD = re.compile(r"(?<![\w@.-])[A-Za-z][A-Za-z\-]*[A-Za-z]?(?![\w@.-])")
EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+|\b[\w-]+\.(?:localhost|example|ru|com)\S*")
SKIP_LINK = re.compile(r"/logout|/login|\.(pdf|csv|xml|png|svg|ico)$|/receipt.*\.pdf|/files/|/logo$|/feed|/api/")


@dataclass(frozen=True)
class Login:
    """One demo login of one tenant."""

    slug: str
    login: str
    password: str

    def __str__(self) -> str:
        return f"{self.slug}-{self.login}"


def demo_logins() -> list[Login]:
    """Every login ``abonent demo`` prints for the tenant files: its users, the isp contracts, the housing residents."""
    logins = []
    for path in sorted(TENANTS_DIR.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        demo = data.get("demo", {})
        logins += [Login(data["slug"], u["login"], u["password"]) for u in demo.get("users", [])]
        contracts = demo.get("plugins", {}).get("isp", {}).get("contracts", [])
        logins += [Login(data["slug"], c["number"], c["password"]) for c in contracts]
        flats = demo.get("plugins", {}).get("housing", {}).get("flats", [])
        logins += [Login(data["slug"], f["login"], f["password"]) for f in flats if f.get("password")]
    return logins


LOGINS = demo_logins()


def shape(path: str, query: str) -> str:
    """``/t/x/support/tickets/7?page=2`` → ``/t/x/support/tickets/N?page``: one visit per page kind."""
    keys = sorted({key for key, _value in parse_qsl(query)})
    return re.sub(r"\d+", "N", path) + ("?" + "&".join(keys) if keys else "")


def pending(site_path: str) -> str | None:
    return next((why for pattern, why in PENDING.items() if re.search(pattern, site_path)), None)


def problems_on(page: Page, lang: str, own_words: set[str]) -> list[str]:
    """What a person would notice on the current page: overflow, template leftovers, English on a Russian page."""
    found = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > WIDTH:
        wide = page.evaluate(
            """(limit) => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > limit + 1 && e.children.length === 0)
                .slice(0, 3)
                .map(e => `${e.tagName.toLowerCase()}.${e.className}: ${e.textContent.trim().slice(0, 40)}`)""",
            WIDTH,
        )
        found.append(f"{width} px wide (e.g. {wide})")
    # Identifiers shown as identifiers (a product code in monospace next to its name) are not words.
    text = page.evaluate(
        """() => { const body = document.body.cloneNode(true);
                   body.querySelectorAll('code, kbd, .mono, script, style').forEach(e => e.remove());
                   document.documentElement.appendChild(body); const text = body.innerText; body.remove();
                   return text; }"""
    )
    for match in LEFTOVERS.finditer(text):
        around = text[max(0, match.start() - 30) : match.end() + 30]
        found.append(f"template leftover {match.group(0)!r} in …{around!r}…")
    if lang == "ru":
        for match in re.finditer(r"г\.\.", text):  # "7 декабря 2026 г.." (a long date ending a sentence)
            found.append(f"double dot after a date: …{text[max(0, match.start() - 30) : match.end() + 5]!r}…")
        plain = EMAIL_OR_URL.sub(" ", text)
        latin = {w for w in LATIN_WORD.findall(plain)} - ALLOWED_LATIN - own_words
        if latin:
            found.append(f"Latin words on a Russian page: {sorted(latin)[:12]}")
    return found


def log_in(page: Page, base: str, who: Login) -> None:
    page.goto(f"{base}/login")
    if page.locator("nav.tabs a").count():  # the Wi-Fi subscriber logs in through the Wi-Fi form
        for tab in ("wifi", "cable"):
            page.goto(f"{base}/login?as={tab}")
            page.locator("input[name=login]").fill(who.login)
            page.locator("input[name=password]").fill(who.password)
            with page.expect_navigation():  # the answer must have arrived before the page is read
                page.locator("form:has(input[name=password]) button[type=submit]").click()
            if page.locator("form.logout").count():
                return
    page.locator("input[name=login]").fill(who.login)
    page.locator("input[name=password]").fill(who.password)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    expect(page.locator("form.logout")).to_have_count(1)


def walk(page: Page, base: str, start: str, lang: str, who: Login, shots: Path) -> dict[str, list[str]]:
    """Visit every page reachable by links from ``start``; ``{site path: problems}``."""
    prefix = urlsplit(base).path
    origin = base[: -len(prefix)]
    queue, seen, report = [start], {shape(*urlsplit(start)[2:4])}, {}
    own_words = {who.login, *re.findall(r"[A-Za-z]+", who.login)}
    while queue:
        url = queue.pop(0)
        response = page.goto(origin + url)
        assert response is not None and response.status < 500, f"{url}: {response and response.status}"
        site_path = url[len(prefix) :] or "/"
        problems = problems_on(page, lang, own_words)
        if problems:
            report[site_path] = problems
        if lang == "ru":
            name = re.sub(r"[^\w.-]+", "_", f"{who}{site_path}").strip("_")
            page.screenshot(path=shots / f"{name}.png", full_page=True)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith(prefix + "/") or SKIP_LINK.search(parts.path):
                continue
            if "format=csv" in parts.query:  # a download (the lists' CSV export), not a page
                continue
            key = shape(parts.path, parts.query)
            if key not in seen:
                seen.add(key)
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        assert len(seen) <= MAX_PAGES, f"more than {MAX_PAGES} kinds of page: {sorted(seen)}"
    return report


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("who", LOGINS, ids=str)
def test_every_page_fits_a_phone_and_speaks_the_language(
    browser: Browser, demo_url: str, artifacts: Path, who: Login, lang: str
) -> None:
    base = f"{demo_url}/t/{who.slug}"
    shots = artifacts / "walk"
    shots.mkdir(exist_ok=True)
    host = urlsplit(demo_url).hostname
    context = browser.new_context(viewport={"width": WIDTH, "height": 740})
    context.add_cookies([{"name": "abonent_lang", "value": lang, "domain": host, "path": "/"}])
    page = context.new_page()
    try:
        log_in(page, base, who)
        report = walk(page, base, urlsplit(page.url).path, lang, who, shots)
    finally:
        context.close()
    failing = {path: found for path, found in report.items() if not pending(path)}
    for path, found in report.items():
        if pending(path):
            print(f"pending ({pending(path)}): {path}: {found}")
    assert not failing, "\n".join(f"{path}: {'; '.join(found)}" for path, found in sorted(failing.items()))


def test_the_walk_covers_every_demo_login_and_every_tenant() -> None:
    """The walk is not vacuous: every tenant, their operators and admins, every isp contract and housing resident."""
    slugs = {who.slug for who in LOGINS}
    assert slugs == {"uralnet", "yakutcenter", "uyutdom"}
    for slug in slugs:
        staff = {who.login.split("@")[0] for who in LOGINS if who.slug == slug}
        assert {"operator", "admin"} <= staff
    assert {"orlova@example.com", "sidorov@example.com", "kim@example.com"} <= {who.login for who in LOGINS}


@pytest.mark.parametrize("login_name", ["200101", "operator"])
def test_the_menu_folds_on_a_phone_and_opens_without_javascript(browser: Browser, demo_url: str, login_name: str):
    """At 360 px the menu is one "Меню" line that opens on a tap (a <details>, JavaScript off); on a desktop it is
    always open. For a subscriber and for staff."""
    who = next(w for w in LOGINS if w.slug == "uralnet" and w.login == login_name)
    base = f"{demo_url}/t/{who.slug}"
    context = browser.new_context(viewport={"width": WIDTH, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, base, who)
        menu = page.locator("details.menu")
        links = menu.locator("ul a")
        expect(menu.locator("summary")).to_have_text("Меню")
        expect(menu.locator("summary")).to_be_visible()
        expect(links.first).to_be_hidden()
        expect(page.locator("form.logout button")).to_be_visible()  # logging out is never folded away
        menu.locator("summary").click()
        expect(links.first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
        page.set_viewport_size({"width": 1280, "height": 800})
        page.reload()
        expect(menu.locator("summary")).to_be_hidden()
        expect(links.first).to_be_visible()
    finally:
        context.close()
