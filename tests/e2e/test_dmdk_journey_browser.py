"""A new participant's first visit to the demo registry in Chromium at 360 px, against ``abonent demo`` (issue #15).

The demo («Демо-реестр ДМДК», shipped inside the dmdk plugin) writes its certification authority and people's keys
to ``<instance>/dmdk-demo/``; ООО «Невский ювелир» of the sample register is not registered there yet. Its head
(``new-head.key`` + ``new-head.pem``) opens the certificate login, signs the challenge and the site address read
from the page with ``abonent dmdk sign-challenge`` — the real command, run as the page shows it — pastes the
signature and the certificate, registers an account, fills every step of the organization wizard and registers
the organization, becoming its administrator. An employee (``new-employee.*``) logs in the same way in a browser
of their own, registers, joins the organization and awaits roles; the head gives them roles; the employee is
Active and reaches the organization's pages. Every page fits 360 px and is Russian; a screenshot of each step
goes to ``test-artifacts/dmdk-journey/``.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import _abonent_command, run_demo
from tests.e2e.test_walk_browser import LATIN_WORD, WIDTH, problems_on

pytestmark = pytest.mark.browser

SLUG = "dmdk"
NEVA = {"ogrn": "1237855348631", "inn": "7854645335", "name": "ООО «Невский ювелир»"}
HEAD = {"name": "Смирнова Анна Сергеевна", "email": "smirnova@nevsky-juvelir.example", "files": "new-head"}
EMPLOYEE = {"name": "Орлов Илья Андреевич", "email": "orlov@nevsky-juvelir.example", "files": "new-employee"}
SIGN_TIMEOUT = 60  # seconds for the CLI to start and sign


@pytest.fixture
def registry_demo(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``abonent demo`` on a fresh instance: its base URL and the folder with the demo's keys and certificates."""
    instance = tmp_path / "instance"
    instance.mkdir()
    with run_demo(instance) as base:
        yield base, instance / "dmdk-demo"


class Journey:
    """One person's tab: checks every page it shows and keeps a numbered screenshot of each step."""

    counter = 0

    def __init__(self, page: Page, shots: Path, who: str, own_words: set[str]) -> None:
        self.page, self.shots, self.who, self.own_words = page, shots, who, own_words

    def check(self, name: str) -> None:
        """The page does not scroll sideways at 360 px, shows no template leftovers or English; screenshot kept."""
        Journey.counter += 1
        self.page.screenshot(path=self.shots / f"{Journey.counter:02d}-{self.who}-{name}.png", full_page=True)
        width = self.page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= WIDTH, f"{name} ({self.page.url}) is {width} px wide"
        found = problems_on(self.page, "ru", self.own_words | self._command_words())
        assert not found, f"{name} ({self.page.url}): {'; '.join(found)}"

    def _command_words(self) -> set[str]:
        """The sign-in command the login page prints is a command line, not prose."""
        commands = self.page.locator("pre")
        return {word for text in commands.all_inner_texts() for word in LATIN_WORD.findall(text)}


def _browser_tab(browser: Browser, base: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport={"width": WIDTH, "height": 740}, locale="ru-RU")
    context.add_cookies([{"name": "abonent_lang", "value": "ru", "domain": urlsplit(base).hostname, "path": "/"}])
    return context, context.new_page()


def _sign_as_the_page_says(page: Page, key: Path, cert: Path, scratch: Path) -> str:
    """Run the command the login page shows, with the person's key and certificate files: the signature."""
    nonce = page.locator("#nonce").inner_text().strip()
    origin = page.locator("#origin").inner_text().strip()
    shown = page.locator("pre", has_text="sign-challenge").inner_text()
    words = shlex.split(shown.replace("KEY.pem", shlex.quote(str(key))).replace("CERT.pem", shlex.quote(str(cert))))
    assert words[:3] == ["abonent", "dmdk", "sign-challenge"], shown
    assert words[words.index("--nonce") + 1] == nonce and words[words.index("--origin") + 1] == origin
    env = {**os.environ, "ABONENT_INSTANCE_PATH": str(scratch)}
    env.pop("ABONENT_DATABASE_URL", None)
    signed = subprocess.run(
        [str(_abonent_command()), *words[1:]], env=env, capture_output=True, text=True, timeout=SIGN_TIMEOUT
    )
    assert signed.returncode == 0, signed.stderr[-2000:]
    return signed.stdout.strip()


def _log_in_with_certificate(journey: Journey, base: str, keys: Path, files: str, scratch: Path, inn: str = ""):
    """Open the certificate login, sign its challenge with the CLI, paste the signature and the certificate."""
    page = journey.page
    page.goto(f"{base}/dmdk/login")
    expect(page.locator("h1")).to_have_text("Вход по сертификату")
    expect(page.locator("main")).to_contain_text("Код для подписи")
    journey.check("certificate-login")
    signature = _sign_as_the_page_says(page, keys / f"{files}.key", keys / f"{files}.pem", scratch)
    page.locator("textarea[name=signature]").fill(signature)
    page.locator("textarea[name=certificate]").fill((keys / f"{files}.pem").read_text())
    if inn:
        page.locator("input[name=organization_inn]").fill(inn)
    page.locator("form:has(textarea[name=signature]) button[type=submit]").click()


def _register_account(journey: Journey, person: dict[str, str]) -> None:
    """A certificate with no account yet: the name comes from it, the person gives an e-mail."""
    page = journey.page
    expect(page.locator("h1")).to_have_text("Регистрация по сертификату")
    expect(page.locator("main")).to_contain_text("Сертификат в порядке, но учётной записи для него ещё нет.")
    expect(page.locator("input[name=full_name]")).to_have_value(person["name"])
    journey.check("registration")
    page.locator("input[name=email]").fill(person["email"])
    page.locator("form:has(input[name=email]) button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Моя организация")
    expect(page.locator("form.logout")).to_be_visible()


def _next(page: Page, heading: str) -> None:
    """Press the step's «Далее» and land on the step titled ``heading``."""
    page.locator("main").get_by_role("button", name="Далее", exact=True).click()
    expect(page.locator("main h2")).to_have_text(heading)


def _fill_the_wizard(journey: Journey) -> None:
    """Every step of the organization profile, answered as the head would, through the pages."""
    page = journey.page
    page.get_by_role("link", name="Зарегистрировать организацию").click()
    expect(page.locator("main h2")).to_have_text("Организация")
    journey.check("wizard-find")
    page.locator("input[name=number]").fill(NEVA["ogrn"])
    page.get_by_role("button", name="Найти и продолжить").click()

    expect(page.locator("main h2")).to_have_text("Контакты")
    expect(page.locator("main .card").first).to_contain_text(NEVA["name"])
    expect(page.locator("main .card").first).to_contain_text(f"ИНН {NEVA['inn']}")
    journey.check("wizard-contacts")
    page.locator("input[name=email]").fill("office@nevsky-juvelir.example")
    page.locator("input[name=phone]").fill("+7 812 555-30-40")
    page.locator("select[name=category]").select_option(label="Переработка (ювелирные и другие изделия)")
    page.get_by_label("Почтовый адрес совпадает с юридическим").check()
    _next(page, "Виды деятельности (ОКВЭД2)")

    journey.check("wizard-activities")
    page.locator("input[name=main]").fill("32.12")
    page.locator("textarea[name=auxiliary]").fill("46.48\n47.77")
    page.locator("textarea[name=other]").fill("96.09")
    _next(page, "Руководитель")

    journey.check("wizard-head")
    page.get_by_label("Физическое лицо", exact=True).check()
    page.locator("input[name=full_name]").fill(HEAD["name"])
    page.locator("input[name=birth_date]").fill("1982-03-15")
    page.locator("input[name=id_document]").fill("Паспорт 40 10 000002")
    page.locator("input[name=registration_address]").fill("г. Санкт-Петербург, ул. Рубинштейна, д. 3, кв. 7")
    page.locator("input[name=actual_address]").fill("г. Санкт-Петербург, ул. Рубинштейна, д. 3, кв. 7")
    _next(page, "Объекты недвижимости нежилого назначения")

    journey.check("wizard-realty")
    page.locator("textarea[name=addresses]").fill("г. Санкт-Петербург, Невский пр., д. 20, пом. 1-Н")
    _next(page, "Обособленные подразделения")

    expect(page.locator("main")).to_contain_text("Пока ничего не добавлено.")
    journey.check("wizard-subdivisions")
    page.locator("input[name=name]").fill("Филиал в Великом Новгороде")
    page.locator("select[name=kind]").select_option(label="Филиал")
    page.locator("input[name=kpp]").fill("532145001")
    page.locator("input[name=address]").fill("г. Великий Новгород, ул. Большая Московская, д. 8")
    page.locator("input[name=okved]").fill("47.77")
    page.get_by_role("button", name="Добавить").click()
    expect(page.locator("main li.card")).to_contain_text("Филиал в Великом Новгороде")
    journey.check("wizard-subdivision-added")
    _next(page, "Бенефициары")

    journey.check("wizard-beneficiaries")
    expect(page.get_by_label("Действующий: сведения актуальны сейчас")).to_be_checked()
    page.locator("input[name=full_name]").fill(HEAD["name"])
    page.locator("input[name=birth_date]").fill("1982-03-15")
    page.locator("input[name=id_document]").fill("Паспорт 40 10 000002")
    page.locator("input[name=registration_address]").fill("г. Санкт-Петербург, ул. Рубинштейна, д. 3, кв. 7")
    page.locator("input[name=actual_address]").fill("г. Санкт-Петербург, ул. Рубинштейна, д. 3, кв. 7")
    page.get_by_role("button", name="Добавить").click()
    expect(page.locator("main li.card")).to_contain_text(HEAD["name"])
    journey.check("wizard-beneficiary-added")
    _next(page, "Подтверждение")

    expect(page.locator("main")).to_contain_text("Всё заполнено. При желании проверьте шаги выше, затем подтвердите.")
    journey.check("wizard-confirm")
    page.locator("main").get_by_role("button", name="Зарегистрировать").click()


def test_a_head_registers_the_organization_and_gives_an_employee_roles(
    browser: Browser, registry_demo: tuple[str, Path], artifacts: Path, tmp_path: Path
) -> None:
    demo_url, keys = registry_demo
    base = f"{demo_url}/t/{SLUG}"
    shots = artifacts / "dmdk-journey"
    shots.mkdir(exist_ok=True)
    for old in shots.glob("*.png"):
        old.unlink()
    Journey.counter = 0
    scratch = tmp_path / "cli"
    emails = {HEAD["email"], EMPLOYEE["email"], "office@nevsky-juvelir.example"}
    # "PEM" and the «-----BEGIN CERTIFICATE-----» marker the login page's help quotes are names, not English.
    own_words = {"PEM", "CERTIFICATE-----", *(word for email in emails for word in re.findall(r"[A-Za-z]+", email))}
    head_context, head_page = _browser_tab(browser, base)
    employee_context, employee_page = _browser_tab(browser, base)
    head = Journey(head_page, shots, "head", own_words)
    employee = Journey(employee_page, shots, "employee", own_words)
    try:
        # 1. The head of ООО «Невский ювелир» logs in with the organization's certificate and registers.
        _log_in_with_certificate(head, base, keys, HEAD["files"], scratch, inn=NEVA["inn"])
        _register_account(head, HEAD)
        expect(head_page.locator("main")).to_contain_text("Я руководитель: зарегистрировать организацию")
        head.check("my-organization")

        # 2. Every step of the wizard; "Register" makes the head the organization's administrator.
        _fill_the_wizard(head)
        expect(head_page.locator("h1")).to_have_text(NEVA["name"])
        expect(head_page.locator(".flash").first).to_contain_text("Организация зарегистрирована: вы её администратор.")
        expect(head_page.locator("main")).to_contain_text("Филиал в Великом Новгороде")
        organization_url = head_page.url
        assert re.search(r"/dmdk/organizations/\d+$", organization_url), organization_url
        head.check("organization-registered")

        # 3. An employee with a certificate of their own, in a browser of their own: registers, joins, waits.
        _log_in_with_certificate(employee, base, keys, EMPLOYEE["files"], scratch)
        _register_account(employee, EMPLOYEE)
        employee.check("my-organization")
        employee_page.locator("select[name=organization_id]").select_option(label=NEVA["name"])
        employee_page.get_by_role("button", name="Присоединиться").click()
        expect(employee_page.locator(".flash").first).to_contain_text(
            "Вы зарегистрированы как сотрудник. Роли назначит администратор организации."
        )
        expect(employee_page.locator("h1")).to_have_text(NEVA["name"])
        expect(employee_page.locator("main")).to_contain_text("Ваш статус: Ожидает ролей")
        expect(employee_page.locator("main")).to_contain_text("Администратор организации ещё не назначил вам роли.")
        expect(employee_page.get_by_role("link", name="Профиль организации")).to_have_count(0)
        employee.check("awaiting-roles")
        assert employee_page.goto(organization_url).status == 404  # no role: the organization's pages are closed

        # 4. The head finds the employee among the organization's employees and gives them roles.
        head_page.goto(organization_url)
        head_page.get_by_role("link", name="Сотрудники и роли").click()
        card = head_page.locator("li.card", has_text=EMPLOYEE["name"])
        expect(card).to_contain_text("Ожидает ролей")
        head.check("employees")
        card.get_by_role("link", name=EMPLOYEE["name"]).click()
        expect(head_page.locator("h1")).to_have_text(EMPLOYEE["name"])
        head.check("employee")
        head_page.get_by_label("Участник ДМДК").check()
        head_page.get_by_label("Операции с партиями").check()
        head_page.get_by_role("button", name="Сохранить").click()
        expect(head_page.locator(".flash").first).to_contain_text(f"Роли сотрудника {EMPLOYEE['name']} сохранены.")
        # «Действует»: the Russian "Active" the page shows (the isp catalogue's word wins over dmdk's «Активный»).
        expect(head_page.locator("main")).to_contain_text("Действует")
        expect(head_page.locator("main")).to_contain_text("назначена роль «Участник ДМДК»")
        head.check("roles-given")

        # 5. The employee is Active now and reaches the organization's pages their roles open.
        employee_page.goto(f"{base}/dmdk/organization")
        expect(employee_page.locator("main")).to_contain_text("Ваш статус: Действует")
        for title in ("Профиль организации", "Справочник организаций", "Работа с заявлениями", "Партии"):
            expect(employee_page.get_by_role("link", name=title, exact=True)).to_be_visible()
        expect(employee_page.get_by_role("link", name="Сотрудники и роли")).to_have_count(0)
        employee.check("active")
        employee_page.get_by_role("link", name="Профиль организации").click()
        expect(employee_page.locator("h1")).to_have_text(NEVA["name"])
        expect(employee_page.locator("main")).to_contain_text(NEVA["inn"])
        employee.check("organization-profile")
        employee_page.get_by_role("link", name="Справочник организаций").click()
        expect(employee_page.locator("main")).to_contain_text(
            "Общество с ограниченной ответственностью «Невский ювелир»"
        )
        expect(employee_page.locator("main")).to_contain_text("Акционерное общество «Северное сияние»")
        employee.check("directory")
    finally:
        employee_context.close()
        head_context.close()
