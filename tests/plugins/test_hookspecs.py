"""Meta-tests of the hook surface (datasette-style): documented, reference current, called by core, tested.

* every hookspec has a docstring of several lines (a summary, a blank line, then when/with what);
* ``docs/hooks.md`` is exactly what ``abonent docs hooks`` generates, so the reference cannot go stale;
* every hookspec is called somewhere in core (no hook is declared that nothing calls);
* every hookspec name appears in at least one test file (no hook ships without a test using it).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from core.cli.main import cli
from core.docs.hookref import REGENERATE, hook_reference_markdown, hookspecs, signature

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "core"
HOOKSPECS_FILE = CORE / "plugins" / "hookspecs.py"
GENERATOR_DIR = CORE / "docs"
HOOKS_MD = ROOT / "docs" / "hooks.md"
THIS_FILE = Path(__file__).resolve()

SPECS = hookspecs()
NAMES = [spec.name for spec in SPECS]


def test_hookspecs_are_found_in_source_order():
    assert NAMES, "no hookspec found in core.plugins.hookspecs"
    source = HOOKSPECS_FILE.read_text(encoding="utf-8")
    declared = re.findall(r"^@hookspec(?:\(.*\))?\ndef (\w+)\(", source, flags=re.MULTILINE)
    assert declared == NAMES


@pytest.mark.parametrize("spec", SPECS, ids=NAMES)
def test_every_hookspec_has_a_docstring_of_several_lines(spec):
    lines = spec.docstring.splitlines()
    assert len(lines) >= 3 and lines[0].strip() and not lines[1].strip() and any(x.strip() for x in lines[2:]), (
        f"hookspec {spec.name} needs a docstring: a one-line summary, a blank line, then when it is called, "
        "with what, what it returns (and whether it is firstresult)"
    )


def test_signature_keeps_annotations_as_written():
    spec = next(s for s in SPECS if s.name == "menu_items")
    assert signature(spec.function) == "menu_items(tenant: Tenant, user: User | None) -> list[MenuItem] | None"


def test_hooks_md_is_up_to_date():
    expected = hook_reference_markdown()
    actual = HOOKS_MD.read_text(encoding="utf-8") if HOOKS_MD.exists() else ""
    assert actual == expected, f"docs/hooks.md is stale or missing: run `{REGENERATE}`"


def test_reference_names_every_hook_and_every_public_api_name():
    import core.api

    markdown = hook_reference_markdown()
    missing = [name for name in NAMES if f"## `{name}`" not in markdown]
    missing += [name for name in core.api.__all__ if f"| `{name}` |" not in markdown]
    assert missing == []


def test_docs_hooks_command_prints_and_writes_the_reference(tmp_path):
    runner = CliRunner()
    printed = runner.invoke(cli, ["docs", "hooks"])
    assert printed.exit_code == 0, printed.output
    assert printed.output == hook_reference_markdown()
    target = tmp_path / "out" / "hooks.md"
    written = runner.invoke(cli, ["docs", "hooks", "--output", str(target)])
    assert written.exit_code == 0, written.output
    assert target.read_text(encoding="utf-8") == hook_reference_markdown()


def _core_sources() -> dict[Path, str]:
    return {
        path: path.read_text(encoding="utf-8")
        for path in sorted(CORE.rglob("*.py"))
        if path != HOOKSPECS_FILE and GENERATOR_DIR not in path.parents
    }


def _is_called(name: str, source: str) -> bool:
    # host.hook.register_commands(…), tenant_hooks(t).menu_items(…), collect(host, host.hook.register_jobs, …)
    return bool(re.search(rf"\.{name}\b", source))


def test_every_hookspec_is_called_by_core():
    sources = _core_sources()
    uncalled = [name for name in NAMES if not any(_is_called(name, text) for text in sources.values())]
    assert uncalled == [], f"hookspecs nothing in core calls (remove them or call them): {', '.join(uncalled)}"


def _test_files() -> list[Path]:
    files = sorted((ROOT / "tests").rglob("*.py"))
    for plugin_tests in sorted((ROOT / "plugins").glob("*/tests")):
        files += sorted(plugin_tests.rglob("*.py"))
    return [path for path in files if path.resolve() != THIS_FILE]


def test_every_hookspec_appears_in_a_test():
    texts = [path.read_text(encoding="utf-8") for path in _test_files()]
    untested = [name for name in NAMES if not any(re.search(rf"\b{name}\b", text) for text in texts)]
    assert untested == [], (
        f"{len(untested)} hook(s) appear in no test file under tests/ or plugins/*/tests: {', '.join(untested)}"
    )
