"""Keep the message catalogues in step with the code: extract → update → compile.

Run it from anywhere after adding or changing a translatable string::

    .venv/bin/python tools/translations.py            # extract, update and compile everything
    .venv/bin/python tools/translations.py extract    # only rewrite the .pot templates
    .venv/bin/python tools/translations.py update     # extract, then merge into the .po files
    .venv/bin/python tools/translations.py compile    # only compile .po → .mo

Core (``core/`` → ``core/translations``) and every plugin folder ``plugins/<name>/`` that has a
``translations`` folder are handled separately, each with its own ``messages.pot`` and
``<locale>/LC_MESSAGES/messages.po``/``.mo`` (Flask-Babel merges them at run time, core first).
New strings arrive in the .po files untranslated; strings whose English changed a little arrive
"fuzzy". Translate them, remove the ``#, fuzzy`` marks, then run ``compile``;
``tests/test_translations.py`` fails until every string has a reviewed translation.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

ROOT = Path(__file__).resolve().parent.parent
MAPPING = ROOT / "babel.cfg"
DOMAIN = "messages"
LOCALES = ("ru",)  # the msgids are English; these are the languages we translate into
KEYWORDS = (
    "_", "_l", "gettext", "lazy_gettext", "ngettext:1,2", "lazy_ngettext:1,2", "_ln:1,2",
    "pgettext:1c,2", "lazy_pgettext:1c,2", "npgettext:1c,2,3",
)  # fmt: skip
PROJECT = "Abonent"
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
_CREATION_DATE = re.compile(r'^"POT-Creation-Date: .*\\n"$', re.MULTILINE)


@dataclass(frozen=True)
class Target:
    """A source folder and the ``translations`` folder its catalogues live in."""

    name: str
    source: Path
    translations: Path

    @property
    def template(self) -> Path:
        return self.translations / f"{DOMAIN}.pot"

    def po(self, locale: str) -> Path:
        return self.translations / locale / "LC_MESSAGES" / f"{DOMAIN}.po"

    def mo(self, locale: str) -> Path:
        return self.translations / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"


def targets() -> list[Target]:
    """Core, then each plugin under ``plugins/`` that has a ``translations`` folder."""
    found = [Target("core", ROOT / "core", ROOT / "core" / "translations")]
    for folder in sorted((ROOT / "plugins").iterdir()):
        if (folder / "translations").is_dir():
            found.append(Target(folder.name, folder, folder / "translations"))
    return found


def pybabel(*args: str | Path) -> None:
    """Run a ``pybabel`` command in this process, from the repository root (paths in comments stay relative)."""
    with contextlib.chdir(ROOT):
        status = CommandLineInterface().run(["pybabel", "-q", *map(str, args)])
    if status:
        raise SystemExit(f"pybabel {args[0]} failed ({status})")


def extract(target: Target, output: Path) -> None:
    """Extract ``target``'s messages into the template ``output``."""
    keywords = [arg for keyword in KEYWORDS for arg in ("-k", keyword)]
    pybabel(
        "extract",
        "-F",
        MAPPING,
        *keywords,
        "--add-location=file",
        f"--project={PROJECT}",
        f"--version={VERSION}",
        "--copyright-holder=Abonent contributors",
        "-o",
        output,
        target.source.relative_to(ROOT),
    )


def write_template(target: Target) -> None:
    """Re-extract ``target``'s .pot, keeping the old file when only its creation date would change."""
    target.translations.mkdir(parents=True, exist_ok=True)
    fresh = target.template.with_suffix(".pot.new")
    extract(target, fresh)
    old = target.template.read_text("utf-8") if target.template.exists() else ""
    new = fresh.read_text("utf-8")
    if _CREATION_DATE.sub("", old) == _CREATION_DATE.sub("", new):
        fresh.unlink()
    else:
        fresh.replace(target.template)


def update(target: Target) -> None:
    """Merge the .pot into each locale's .po (created on first run); removed strings are dropped."""
    for locale in LOCALES:
        pybabel(
            "update",
            "-i",
            target.template,
            "-d",
            target.translations,
            "-D",
            DOMAIN,
            "-l",
            locale,
            "--init-missing",
            "--ignore-obsolete",
            "--ignore-pot-creation-date",
        )


def compile_catalogues(target: Target) -> None:
    """Compile each locale's .po into the .mo that ships with the package (fuzzy entries left out)."""
    for locale in LOCALES:
        if target.po(locale).exists():
            pybabel("compile", "-d", target.translations, "-D", DOMAIN, "-l", locale, "--statistics")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", nargs="?", default="all", choices=("all", "extract", "update", "compile"))
    parser.add_argument("--only", metavar="NAME", help="only this target: 'core' or a plugin's folder name")
    options = parser.parse_args(argv)
    chosen = [t for t in targets() if options.only in (None, t.name)]
    if not chosen:
        parser.error(f"no target named {options.only!r}")
    for target in chosen:
        print(f"== {target.name}", file=sys.stderr)
        if options.step in ("all", "extract", "update"):
            write_template(target)
        if options.step in ("all", "update"):
            update(target)
        if options.step in ("all", "compile"):
            compile_catalogues(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
