"""``abonent plugins new NAME``: a new plugin as a pip-installable package, ready to test.

The files live in ``core/scaffold/template`` as ``*.tmpl`` texts filled in with :class:`string.Template`
(``$name``, ``$dist`` …; ``$$`` is a dollar sign). A folder or file called ``PKG`` becomes the plugin's
package name, ``REV`` the first revision's id. The generated package passes its own tests and ``ruff``
as written (``tests/scaffold/test_new_plugin.py`` generates one, installs it and runs them).
"""

from __future__ import annotations

import importlib.util
import keyword
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from string import Template

from alembic.config import Config
from alembic.script import ScriptDirectory
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from core import __version__
from core.migrate import MIGRATIONS_DIR

TEMPLATE = Path(__file__).resolve().parent / "template"
NAME = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


class ScaffoldError(ValueError):
    """The plugin cannot be generated (a bad name, or the folder exists); ``str()`` says why."""


@dataclass(frozen=True)
class NewPlugin:
    """What :func:`create` wrote: the project folder, the package name and its first revision."""

    root: Path
    name: str
    revision: str


def core_head() -> str:
    """Core's current Alembic head: a new plugin's branch depends on it."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("version_locations", str(MIGRATIONS_DIR / "versions"))
    config.set_main_option("path_separator", "space")
    return ScriptDirectory.from_config(config).get_current_head()


def check_name(name: str, taken: set[str] | frozenset[str] = frozenset()) -> None:
    """Raise :class:`ScaffoldError` unless ``name`` is a lowercase identifier no installed plugin uses."""
    if not NAME.match(name) or keyword.iskeyword(name):
        raise ScaffoldError(
            f"{name!r} is not a plugin name: 2-40 lowercase letters, digits and _, starting with a letter"
        )
    if name in taken:
        raise ScaffoldError(f"a plugin named {name!r} is already installed")
    if importlib.util.find_spec(name) is not None:
        raise ScaffoldError(f"a Python module named {name!r} already exists; choose another name")


def check_title(title: str) -> None:
    """Raise :class:`ScaffoldError` unless ``title`` fits a menu (1-60 characters, no quotes, ``$`` or ``\\``)."""
    if not title.strip() or len(title) > 60 or any(c in title for c in '"\\$') or not title.isprintable():
        raise ScaffoldError(f"{title!r} is not a title: 1-60 printable characters without quotes, $ or \\")


def _values(name: str, title: str, revision: str) -> dict[str, str]:
    minor = tuple(int(part) for part in __version__.split(".")[:2])
    return {
        "name": name,
        "dist": name.replace("_", "-"),
        "dash": name.replace("_", "-"),
        "title": title,
        "model": "".join(part.capitalize() for part in name.split("_")) + "Item",
        "revision": revision,
        "core_head": core_head(),
        "created": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "requires_core": f">={minor[0]}.{minor[1]},<{minor[0] + 1}",
    }


def create(name: str, parent: Path, title: str | None = None, taken: frozenset[str] = frozenset()) -> NewPlugin:
    """Write the plugin ``name`` into ``parent/<name with dashes>``; the folder must not exist yet.

    Returns the :class:`NewPlugin` written. Raises :class:`ScaffoldError` for a bad or taken name or an
    existing folder; nothing is written then. Example::

        plugin = create("home_guard", Path("."), title="Home guard")
        # then: pip install -e home-guard && abonent db upgrade
    """
    check_name(name, taken)
    title = title or name.replace("_", " ").capitalize()
    check_title(title)
    root = Path(parent) / name.replace("_", "-")
    if root.exists():
        raise ScaffoldError(f"{root} already exists")
    revision = secrets.token_hex(6)
    values = _values(name, title, revision)
    for source in sorted(TEMPLATE.rglob("*.tmpl")):
        relative = source.relative_to(TEMPLATE).with_suffix("")
        parts = [name if part == "PKG" else part for part in relative.parts]
        parts[-1] = parts[-1].replace("PKG", name).replace("REV", f"{revision}_{name}")
        target = root.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_fill(source, values), encoding="utf-8")
    _compile_catalogues(root / name / "translations")
    return NewPlugin(root, name, revision)


def _fill(source: Path, values: dict[str, str]) -> str:
    return Template(source.read_text(encoding="utf-8")).substitute(values)


def _compile_catalogues(folder: Path) -> None:
    for po in folder.rglob("*.po"):
        with po.open("rb") as stream:
            catalog = read_po(stream)
        with po.with_suffix(".mo").open("wb") as stream:
            write_mo(stream, catalog)
