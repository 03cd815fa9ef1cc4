"""The isp plugin is laid out by capability: sub-packages, no import cycles, ``hooks`` imported by none.

Read from the source with :mod:`ast`, so every import counts, also those inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

import plugins.isp

PACKAGE = "plugins.isp"
ROOT = Path(plugins.isp.__file__).resolve().parent
TOP_LEVEL = {"__init__", "hooks", "settings", "models", "cli", "demo"}


def _modules() -> dict[str, Path]:
    modules = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[0] == "migrations":
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join((PACKAGE, *parts))] = path
    return modules


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The plugin's modules that ``path`` imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # ``from plugins.isp.freeze import service`` imports the module, ``… import start`` the module it is in.
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            while name not in modules and "." in name:
                name = name.rsplit(".", 1)[0]
            if name in modules:
                found.add(name)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, modules) - {name} for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_plugin_has_no_import_cycles():
    assert _cycles(_graph()) == []


def test_only_the_plugin_frame_lives_at_the_top_level():
    top = {path.stem for path in ROOT.glob("*.py")}
    assert top <= TOP_LEVEL, sorted(top - TOP_LEVEL)


def test_no_module_imports_hooks_but_the_package_itself():
    graph = _graph()
    importers = sorted(name for name, targets in graph.items() if f"{PACKAGE}.hooks" in targets)
    assert importers == [PACKAGE]


def test_the_cycle_check_sees_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
