"""The Markdown reference of :mod:`core.api` (``docs/api.md``), generated from the code.

For every public name (``core.api.__all__``, in that order): what it is, its signature with the
annotations as written (the return value after ``->``), its fields (a dataclass's fields, a model's
columns, a schema's fields), its whole docstring (errors and examples included) and, for classes
and modules, their public functions with the first line of each docstring. Objects that carry no
docstring of their own (``session``, ``BEARER`` …) are described in :data:`OBJECT_DOCS`.
``tests/test_api_reference.py`` fails when a public name has no docstring and when ``docs/api.md``
differs from this output: regenerate it with ``abonent docs api --output docs/api.md``.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
from types import ModuleType
from typing import Any

from core.docs.hookref import rst_to_markdown, signature

REGENERATE = "abonent docs api --output docs/api.md"

#: What the public names that are plain objects (no docstring of their own) are for.
OBJECT_DOCS: dict[str, str] = {
    "BEARER": "The OpenAPI security requirement of bearer-token endpoints: "
    "``@blueprint.doc(security=BEARER)`` on every flask-smorest view that takes a token.",
    "MAX_ID": "The largest row id a form or URL may name (PostgreSQL's integer); ``Id()`` fields refuse more.",
    "core_version": "The running core's version (PEP 440 text); ``PluginInfo.requires_core`` is checked against it.",
    "hookimpl": "The decorator that marks a hook implementation: ``@hookimpl`` over a function named like the "
    "hook (``docs/hooks.md``), found on the module the ``abonent.plugins`` entry point names.",
    "session": "The SQLAlchemy session of the current request, command or job (``session.scalars(select(M))``); "
    "statements on ``TenantOwned`` models are filtered to the current tenant.",
}

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_FORWARD = re.compile(r"ForwardRef\('([^']*)'\)")


def _own_doc(obj: Any) -> str:
    """``obj``'s own docstring (a class does not inherit its parent's here), cleaned."""
    if inspect.isclass(obj):
        return inspect.cleandoc(obj.__dict__.get("__doc__") or "")
    return inspect.getdoc(obj) or ""


def docstring_of(name: str, obj: Any) -> str:
    """The documentation of the public name ``name``: its own docstring, or its :data:`OBJECT_DOCS` entry."""
    if name in OBJECT_DOCS:
        return OBJECT_DOCS[name]
    if kind_of(name, obj) == "object":
        return ""
    return _own_doc(obj)


def kind_of(name: str, obj: Any) -> str:
    """``exception``, ``class``, ``function``, ``module`` or ``object`` (a name of :data:`OBJECT_DOCS`)."""
    if name in OBJECT_DOCS:
        return "object"
    if inspect.isclass(obj):
        return "exception" if issubclass(obj, BaseException) else "class"
    if inspect.isroutine(obj) or hasattr(obj, "__wrapped__"):
        return "function"
    if inspect.ismodule(obj):
        return "module"
    return "object"


def _unquoted(annotation: Any) -> str:
    return _FORWARD.sub(r"\1", str(annotation))


def _signature(name: str, obj: Any) -> str | None:
    try:
        text = signature(obj)
    except (TypeError, ValueError):
        return None
    text = name + text[text.index("(") :]
    return _FORWARD.sub(r"\1", _ADDRESS.sub("", text))


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def _fields(obj: Any) -> list[str]:
    """A dataclass's fields, a model's columns or a marshmallow schema's fields, one Markdown bullet each."""
    if dataclasses.is_dataclass(obj):
        return [
            f"- `{f.name}: {f.type if isinstance(f.type, str) else getattr(f.type, '__name__', f.type)}`"
            for f in dataclasses.fields(obj)
        ]
    if isinstance(getattr(obj, "_fields", None), tuple):  # a NamedTuple
        hints = getattr(obj, "__annotations__", {})
        return [f"- `{key}: {_unquoted(hints.get(key, 'Any'))}`" for key in obj._fields]
    table = getattr(obj, "__table__", None)
    if table is not None and inspect.isclass(obj):
        return [
            f"- `{column.name}`: {column.type}{'' if column.nullable else ', required'}" for column in table.columns
        ]
    declared = getattr(obj, "_declared_fields", None)
    if isinstance(declared, dict) and declared:
        return [f"- `{key}`: `{type(value).__name__}`" for key, value in declared.items()]
    return []


def _members(obj: Any) -> list[str]:
    """Public functions (and, for a module, classes) defined on a class or module, with their first line."""
    if inspect.ismodule(obj):
        items = [
            (key, value)
            for key, value in vars(obj).items()
            if not key.startswith("_")
            and (inspect.isfunction(value) or inspect.isclass(value))
            and value.__module__ == obj.__name__
        ]
    else:
        items = [
            (key, value)
            for key, value in vars(obj).items()
            if not key.startswith("_") and (inspect.isfunction(value) or isinstance(value, property | classmethod))
        ]
    lines = []
    for key, value in sorted(items):
        target = value.fget if isinstance(value, property) else getattr(value, "__func__", value)
        sig = (_signature(key, target) if not isinstance(value, property) else None) or key
        first = _first_line(_own_doc(target))
        lines.append(f"- `{sig}`" + (f": {rst_to_markdown(first)}" if first else ""))
    return lines


def _entry(name: str, obj: Any) -> list[str]:
    kind = kind_of(name, obj)
    lines = ["", f"## `{name}`", "", f"*{kind}*"]
    if kind in {"class", "exception", "function"}:
        sig = _signature(name, obj)
        if sig:
            lines += ["", "```python", sig, "```"]
    elif kind == "object" and isinstance(obj, int | list | tuple):
        lines += ["", f"Value: `{obj!r}`"]
    doc = docstring_of(name, obj)
    if doc:
        lines += ["", rst_to_markdown(doc)]
    fields = _fields(obj) if inspect.isclass(obj) else []
    if fields:
        lines += ["", "Fields:", "", *fields]
    members = _members(obj) if kind in {"class", "exception", "module"} else []
    if members:
        lines += ["", "Functions:" if kind == "module" else "Methods:", "", *members]
    return lines


def api_reference_markdown(module: ModuleType | None = None) -> str:
    """The whole ``core.api`` reference as Markdown (what ``docs/api.md`` must contain)."""
    if module is None:
        import core.api as module
    names = list(module.__all__)
    lines = [
        "# `core.api` reference",
        "",
        "<!-- Generated from core/api.py and the docstrings it re-exports; do not edit by hand.",
        f"     Regenerate with: {REGENERATE} -->",
        "",
        rst_to_markdown(inspect.getdoc(module) or ""),
        "",
        "Import only these names; everything else in `core` may change without notice. The hooks that core",
        "calls are in [hooks.md](hooks.md); the guide is [plugins.md](plugins.md).",
        "",
        "| Name | Kind | Summary |",
        "| --- | --- | --- |",
    ]
    for name in names:
        obj = getattr(module, name)
        summary = rst_to_markdown(_first_line(docstring_of(name, obj))).replace("|", "\\|")
        lines.append(f"| [`{name}`](#{name.lower()}) | {kind_of(name, obj)} | {summary} |")
    for name in names:
        lines += _entry(name, getattr(module, name))
    return "\n".join(lines).rstrip() + "\n"


def undocumented(module: ModuleType | None = None) -> list[str]:
    """The public names of ``module`` (default :mod:`core.api`) that have no docstring of their own."""
    if module is None:
        import core.api as module
    return [name for name in module.__all__ if not docstring_of(name, getattr(module, name)).strip()]
