"""An HTML form generated from a marshmallow schema, so plugin settings need no hand-written form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from marshmallow import Schema, fields, missing, validate


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: str  # "text", "number", "checkbox", "select", "textarea", "secret"
    value: Any
    choices: tuple[str, ...] = ()
    help: str = ""
    choice_labels: tuple[str, ...] = ()

    @property
    def options(self) -> list[tuple[str, str]]:
        """``(value, words)`` for a select: the schema's ``OneOf(labels=…)`` translated, else the value."""
        labels = self.choice_labels or self.choices
        return [(value, gettext(label)) for value, label in zip(self.choices, labels, strict=False)]


def _labels(field: fields.Field) -> tuple[str, ...]:
    for validator in getattr(field, "validators", []):
        if isinstance(validator, validate.OneOf) and validator.labels:
            return tuple(str(label) for label in validator.labels)
    return ()


def _kind(field: fields.Field) -> tuple[str, tuple[str, ...]]:
    if (field.metadata or {}).get("secret"):
        return "secret", ()
    for validator in getattr(field, "validators", []):
        if isinstance(validator, validate.OneOf):
            return "select", tuple(str(c) for c in validator.choices)
    if isinstance(field, fields.Boolean):
        return "checkbox", ()
    if isinstance(field, fields.Integer | fields.Float | fields.Decimal):
        return "number", ()
    if isinstance(field, fields.List):
        return "textarea", ()
    return "text", ()


def _default(field: fields.Field) -> Any:
    """What the schema loads when the value is not given, so a form saved unchanged keeps it."""
    default = field.load_default
    if default is missing:
        return None
    return default() if callable(default) else default


def _line(field: fields.Field, value: Any) -> str:
    """One item of a list field as a line of its textarea: the item field's own rendering when it has one."""
    inner = getattr(field, "inner", None)
    shown = inner._serialize(value, None, None) if inner is not None else value
    return "" if shown is None else str(shown)


def form_fields(schema: Schema, values: dict[str, Any], prefix: str = "") -> list[FormField]:
    """The fields to render for ``schema`` filled with ``values`` (a value not given shows the field's default);
    input names get ``prefix``.

    A secret (``metadata={"secret": True}``) is never filled in: its input stays empty, and its help
    says whether one is stored. The saving side keeps the stored secret when the input comes back
    empty (:func:`core.settings.service.save_settings` does).
    """
    out = []
    for name, field in schema.fields.items():
        kind, choices = _kind(field)
        value = values[name] if name in values else _default(field)
        if kind == "textarea" and isinstance(value, list | tuple):  # stored settings give lists as tuples
            value = "\n".join(_line(field, v) for v in value)
        form_value = getattr(field, "form_value", None)  # e.g. money: kopecks shown as rubles
        if form_value is not None:
            value = form_value(value)
        meta = field.metadata or {}
        # Plugins mark titles and descriptions with N_; they are translated here, in the reader's language.
        label = gettext(str(meta.get("title", name.replace("_", " ").capitalize())))
        description = str(meta.get("description", ""))
        help_text = gettext(description) if description else ""
        if kind == "secret":
            stored = gettext("A secret is stored; leave the field empty to keep it.") if value else ""
            help_text, value = " ".join(t for t in (help_text, stored) if t), None
        out.append(FormField(prefix + name, label, kind, value, choices, help_text, _labels(field)))
    return out
