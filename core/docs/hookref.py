"""The Markdown hook reference (``docs/hooks.md``), generated from :mod:`core.plugins.hookspecs`.

Everything comes from the code through :mod:`inspect`: each hookspec in source order with its
signature (annotations as written), its pluggy options (``firstresult``, ``historic``) and its full
docstring, then the public names of :mod:`core.api` with the first line of each one's docstring.
``tests/plugins/test_hookspecs.py`` fails when ``docs/hooks.md`` differs from this output, so the
reference cannot go stale: regenerate it with ``abonent docs hooks --output docs/hooks.md``.

Docstrings are written in reStructuredText style; the few constructs they use are turned into
Markdown (````code```` → ```code```, ``:role:`x``` → ```x```, ``Example::`` blocks → fenced code).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pluggy

from core.plugins.markers import PROJECT

REGENERATE = "abonent docs hooks --output docs/hooks.md"


@dataclass(frozen=True)
class HookSpec:
    """One hookspec: its function and the options given to ``@hookspec``."""

    name: str
    function: Callable[..., Any]
    firstresult: bool
    historic: bool

    @property
    def line(self) -> int:
        return self.function.__code__.co_firstlineno

    @property
    def docstring(self) -> str:
        return inspect.getdoc(self.function) or ""


def hookspecs(module: ModuleType | None = None) -> list[HookSpec]:
    """Every hookspec of ``module`` (default: :mod:`core.plugins.hookspecs`), in source order."""
    if module is None:
        from core.plugins import hookspecs as module
    pm = pluggy.PluginManager(PROJECT)
    found = []
    for name, function in vars(module).items():
        if not inspect.isfunction(function) or function.__module__ != module.__name__:
            continue
        options = pm.parse_hookspec_opts(module, name)
        if options is None:
            continue
        found.append(HookSpec(name, function, bool(options.get("firstresult")), bool(options.get("historic"))))
    return sorted(found, key=lambda spec: spec.line)


class _AsWritten(str):
    """An annotation string that ``inspect`` prints without quotes (``tenant: Tenant``, not ``'Tenant'``)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return str(self)


def _as_written(annotation: Any) -> Any:
    if isinstance(annotation, str):
        return _AsWritten(annotation)
    return annotation


def signature(function: Callable[..., Any]) -> str:
    """``name(param: Annotation, …) -> Return`` with the annotations exactly as written in the source."""
    sig = inspect.signature(function)
    params = [p.replace(annotation=_as_written(p.annotation)) for p in sig.parameters.values()]
    sig = sig.replace(parameters=params, return_annotation=_as_written(sig.return_annotation))
    return f"{function.__name__}{sig}"


_LITERAL = re.compile(r"``(.+?)``")
_ROLE = re.compile(r":[\w:]+:`~?([^`]+)`")


def _inline(text: str) -> str:
    return _ROLE.sub(r"`\1`", _LITERAL.sub(r"`\1`", text))


def rst_to_markdown(text: str) -> str:
    """Turn a docstring's reStructuredText bits into Markdown (inline literals, roles, ``::`` blocks)."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.rstrip().endswith("::"):
            out.append(_inline(line))
            i += 1
            continue
        # "Example::" introduces an indented literal block; a lone "::" just introduces it.
        head = line.rstrip()[:-2].rstrip()
        if head:
            out.append(_inline(head) + ":")
        i += 1
        block: list[str] = []
        while i < len(lines) and (not lines[i].strip() or lines[i].startswith((" ", "\t"))):
            block.append(lines[i])
            i += 1
        while block and not block[-1].strip():
            block.pop()
        code = inspect.cleandoc("\n".join(block)) if block else ""
        if out and out[-1].strip():
            out.append("")
        out += ["```python", *code.splitlines(), "```"]
        if i < len(lines):
            out.append("")
    return "\n".join(out).strip()


def _first_line(text: str | None) -> str:
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()
    return ""


def _table_cell(text: str) -> str:
    return text.replace("|", "\\|")


def _api_entry(name: str, obj: Any) -> tuple[str, str]:
    """The kind of a public name and the first line of its docstring (its own, not its type's)."""
    if inspect.isclass(obj):
        return "class", _first_line(inspect.getdoc(obj))
    if inspect.isroutine(obj):
        return "function", _first_line(inspect.getdoc(obj))
    if inspect.ismodule(obj):
        return "module", _first_line(inspect.getdoc(obj))
    kind = f"`{type(obj).__name__}` object"
    own = getattr(obj, "__doc__", None)
    if own and own != type(obj).__doc__:
        return kind, _first_line(own)
    if type(obj).__module__.split(".")[0] in {"pluggy"}:
        # pluggy's markers are documented on their class; the class doc describes the instance.
        return kind, _first_line(type(obj).__doc__)
    return kind, "*(no docstring of its own)*"


def _api_section() -> list[str]:
    import core.api

    lines = [
        "## The public API: `core.api`",
        "",
        _inline(_first_line(core.api.__doc__)),
        "Import only these names; everything else in `core` may change without notice.",
        "",
        "| Name | Kind | Summary |",
        "| --- | --- | --- |",
    ]
    for name in core.api.__all__:
        kind, summary = _api_entry(name, getattr(core.api, name))
        lines.append(f"| `{name}` | {kind} | {_table_cell(_inline(summary))} |")
    return lines


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def hook_reference_markdown() -> str:
    """The whole hook reference as Markdown (what ``docs/hooks.md`` must contain)."""
    from core.plugins import hookspecs as module

    specs = hookspecs(module)
    lines = [
        "# Hook reference",
        "",
        "<!-- Generated from core/plugins/hookspecs.py and core/api.py; do not edit by hand.",
        f"     Regenerate with: {REGENERATE} -->",
        "",
        rst_to_markdown(inspect.getdoc(module) or ""),
        "",
        "Implement a hook with a function of the same name, decorated with `core.api.hookimpl`, in the",
        "module your `abonent.plugins` entry point names. Give it the parameters the spec lists, with",
        "the same names.",
        "",
        "| Hook | firstresult | historic |",
        "| --- | --- | --- |",
    ]
    lines += [f"| [`{s.name}`](#{s.name}) | {_yes(s.firstresult)} | {_yes(s.historic)} |" for s in specs]
    for spec in specs:
        lines += [
            "",
            f"## `{spec.name}`",
            "",
            "```python",
            signature(spec.function),
            "```",
            "",
            f"- firstresult: **{_yes(spec.firstresult)}**"
            + (" (the first non-`None` result wins)" if spec.firstresult else " (every result is collected)"),
            f"- historic: **{_yes(spec.historic)}**",
            "",
            rst_to_markdown(spec.docstring),
        ]
    lines += ["", *_api_section()]
    return "\n".join(lines).rstrip() + "\n"
