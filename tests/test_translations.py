"""The Russian catalogues: complete for the current code, compiled, and used by the site.

When a test here fails after you added or changed a string, run
``.venv/bin/python tools/translations.py``, translate the new entries in the .po file it names
(remove any ``#, fuzzy`` mark once the translation is right) and run the script again to compile.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from core.testing.fixtures import tenant_path
from core.testing.suites import TestTranslationsAgree  # noqa: F401 - core's and the plugins' catalogues agree

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


def _load_tool():
    spec = importlib.util.spec_from_file_location("abonent_translations_tool", ROOT / "tools" / "translations.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


tool = _load_tool()
CATALOGUES = [(target, locale) for target in tool.targets() for locale in tool.LOCALES]
IDS = [f"{target.name}-{locale}" for target, locale in CATALOGUES]


def _read_po(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=locale)


def _strings(message) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, (list, tuple)) else (message.string,)


def _ids(message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, (list, tuple)) else (message.id,)


def _translation(target_name: str, msgid: str, locale: str = "ru") -> str:
    target = next(t for t in tool.targets() if t.name == target_name)
    message = _read_po(target.po(locale), locale).get(msgid)
    assert message is not None and message.string, f"{msgid!r} is not translated in {target.po(locale)}"
    return message.string


def test_core_and_plugins_have_catalogues():
    names = [target.name for target in tool.targets()]
    assert names[0] == "core"
    assert "faq" in names


@pytest.mark.parametrize(("target", "locale"), CATALOGUES, ids=IDS)
def test_every_message_has_a_reviewed_translation(target, locale, tmp_path):
    template_path = tmp_path / "messages.pot"
    tool.extract(target, template_path)
    template = _read_po(template_path)
    assert len(template) > 0, f"nothing extracted from {target.source}"
    catalogue = _read_po(target.po(locale), locale)

    problems = []
    for message in template:
        if not message.id:
            continue
        where = ", ".join(sorted({path for path, _line in message.locations}))
        entry = catalogue.get(message.id, context=message.context)
        if entry is None:
            problems.append(f"missing: {message.id!r} ({where})")
        elif entry.fuzzy:
            problems.append(f"fuzzy: {message.id!r} ({where})")
        elif not all(_strings(entry)):
            problems.append(f"untranslated: {message.id!r} ({where})")
        else:
            wanted = {name for text in _ids(message) for name in PLACEHOLDER.findall(text)}
            for text in _strings(entry):
                if set(PLACEHOLDER.findall(text)) != wanted:
                    problems.append(f"placeholders differ: {message.id!r} → {text!r} ({where})")
    if problems:
        pytest.fail(
            f"{target.po(locale).relative_to(ROOT)} is behind the code; run `.venv/bin/python tools/translations.py`, "
            "translate these, then run it again:\n  " + "\n  ".join(problems),
            pytrace=False,
        )


def _hashable(value):
    # Plural messages come back as lists (one form per number).
    return tuple(value) if isinstance(value, list) else value


@pytest.mark.parametrize(("target", "locale"), CATALOGUES, ids=IDS)
def test_compiled_catalogue_matches_the_po_file(target, locale, tmp_path):
    assert target.mo(locale).exists(), f"{target.mo(locale)} is missing; run `.venv/bin/python tools/translations.py`"
    fresh = tmp_path / "messages.mo"
    with fresh.open("wb") as file:
        write_mo(file, _read_po(target.po(locale), locale))

    def messages(path: Path) -> dict:
        with path.open("rb") as file:
            return {(m.context, _hashable(m.id)): _hashable(m.string) for m in read_mo(file) if m.id}

    expected, shipped = messages(fresh), messages(target.mo(locale))
    stale = sorted(str(key[1]) for key in expected.keys() ^ shipped.keys())
    stale += sorted(str(key[1]) for key in expected.keys() & shipped.keys() if expected[key] != shipped[key])
    if stale:
        pytest.fail(
            f"{target.mo(locale).relative_to(ROOT)} is out of date (run `.venv/bin/python tools/translations.py "
            "compile`): " + ", ".join(repr(s) for s in stale[:20]),
            pytrace=False,
        )


def test_login_page_is_russian_by_default_and_english_after_switching(client, make_tenant):
    tenant = make_tenant("acme")
    login_url = tenant_path(tenant, "/login")
    log_in = _translation("core", "Log in")

    page = client.get(login_url).get_data(as_text=True)
    assert f">{log_in}</button>" in page
    assert _translation("core", "Log in to your cabinet") in page
    assert ">Log in</button>" not in page

    response = client.submit(tenant_path(tenant, "/language"), {"lang": "en", "next": "/login"}, form_url=login_url)
    assert response.status_code == 302

    page = client.get(login_url).get_data(as_text=True)
    assert ">Log in</button>" in page
    assert "Log in to your cabinet" in page
    assert log_in not in page


def test_plugin_pages_use_the_plugin_catalogue(make_tenant, make_user, login, enable_plugin):
    tenant = make_tenant("acme")
    enable_plugin(tenant, "faq")
    admin = make_user(tenant, "admin@example.com", roles=("tenant_admin",))
    client = login(tenant, admin)

    page = client.get(tenant_path(tenant, "/faq/manage")).get_data(as_text=True)
    assert _translation("faq", "Add a question") in page
    assert _translation("core", "Log out") in page  # core's catalogue is still there alongside the plugin's


def _compiled(folder: Path, messages: dict) -> Path:
    """A ``translations`` folder with a compiled Russian catalogue: ``{msgid or (context, msgid): text}``."""
    catalogue = Catalog(locale="ru")
    for key, text in messages.items():
        context, msgid = key if isinstance(key, tuple) else (None, key)
        catalogue.add(msgid, text, context=context)
    target = folder / "ru" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "messages.mo").open("wb") as file:
        write_mo(file, catalogue)
    return folder


def test_a_message_translated_two_ways_is_found_and_a_context_keeps_two_meanings_apart(tmp_path):
    from core.web.catalogues import catalogue_conflicts

    core = _compiled(tmp_path / "core", {"To": "По", ("mail", "To"): "Кому", "Send": "Отправить"})
    agreeing = _compiled(tmp_path / "agreeing", {"To": "По", "Send": "Отправить"})
    disagreeing = _compiled(tmp_path / "disagreeing", {"Send": "Передать", ("mail", "To"): "Получатель"})

    assert catalogue_conflicts([core, agreeing], "ru") == []
    found = catalogue_conflicts([core, agreeing, disagreeing], "ru")
    assert [(c.message, c.context) for c in found] == [("Send", None), ("To", "mail")]
    assert found[0].translations == {str(core): "Отправить", str(agreeing): "Отправить", str(disagreeing): "Передать"}


def test_core_pages_keep_their_words_beside_a_plugin_that_uses_the_same_english(app):
    """The outgoing-mail "To" is the recipient (core), the voluntary block's "To" a date (isp); the news "Title" a
    headline, a product's "Title" its name; readings are "passed on", a support message is "sent"."""
    from flask_babel import force_locale, gettext, pgettext

    with app.test_request_context(), force_locale("ru"):
        assert pgettext("mail", "To") == "Кому" and gettext("To") == "По"
        assert pgettext("news", "Title") == "Заголовок" and gettext("Title") == "Название"
        assert pgettext("readings", "Send") == "Передать" and gettext("Send") == "Отправить"
        assert pgettext("record", "Register") == "Зарегистрировать" and gettext("Register") == "Зарегистрироваться"
