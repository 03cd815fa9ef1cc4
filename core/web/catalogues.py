"""One message, one translation: the check that core's and the plugins' catalogues agree.

Flask-Babel merges the catalogues of core and of every plugin into one per language (core first, then each
plugin); when two of them translate the same message differently, the one merged last wins on every page —
core's outgoing-mail "To" would read as a plugin's date range "По". So a message id means one thing
everywhere: a word with two meanings takes a context (``pgettext("mail", "To")`` in Python and in templates,
``lazy_pgettext`` for module-level labels), and :func:`catalogue_conflicts` lists the messages that still
disagree (``tests/test_translations.py`` keeps it empty; an outside plugin runs
``core.testing.suites.TestTranslationsAgree``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.support import Translations
from flask import Flask

DOMAIN = "messages"
_CONTEXT_SEPARATOR = "\x04"


@dataclass(frozen=True)
class Conflict:
    """A message two catalogues translate differently: ``translations`` maps each catalogue folder to its text."""

    message: str
    context: str | None
    translations: dict[str, str]

    def __str__(self) -> str:
        where = f" (context {self.context!r})" if self.context else ""
        texts = "; ".join(f"{folder}: {text!r}" for folder, text in sorted(self.translations.items()))
        return f"{self.message!r}{where}: {texts}"


def catalogue_conflicts(folders: Iterable[str | Path], locale: str) -> list[Conflict]:
    """The messages that the compiled catalogues in ``folders`` (``translations`` folders, as in
    ``BABEL_TRANSLATION_DIRECTORIES``) translate differently into ``locale``; empty when they agree."""
    seen: dict[object, dict[str, str]] = defaultdict(dict)
    for folder in folders:
        catalogue = getattr(Translations.load(str(folder), [locale], DOMAIN), "_catalog", {})
        for key, text in catalogue.items():
            if key != "" and text:
                seen[key][str(folder)] = text
    conflicts = []
    for key, texts in seen.items():
        if len(set(texts.values())) < 2:
            continue
        message = key[0] if isinstance(key, tuple) else key
        context, _, message = message.rpartition(_CONTEXT_SEPARATOR)
        conflicts.append(Conflict(message, context or None, texts))
    return sorted(conflicts, key=lambda conflict: (conflict.message, conflict.context or ""))


def app_catalogue_conflicts(app: Flask) -> list[Conflict]:
    """:func:`catalogue_conflicts` for every language the app speaks, over core's and its plugins' catalogues."""
    folders = app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")
    return [conflict for locale in app.config["LANGUAGES"] for conflict in catalogue_conflicts(folders, locale)]
