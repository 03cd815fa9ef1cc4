"""An HTML form generated from a marshmallow schema, so plugin settings need no hand-written form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from marshmallow import Schema, fields, validate

from core.web.input import form_values


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: str  # "text", "number", "checkbox", "select", "textarea"
    value: Any
    choices: tuple[str, ...] = ()
    help: str = ""


def _kind(field: fields.Field) -> tuple[str, tuple[str, ...]]:
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


def form_fields(schema: Schema, values: dict[str, Any], prefix: str = "") -> list[FormField]:
    """The fields to render for ``schema`` filled with ``values``; input names get ``prefix``."""
    out = []
    for name, field in schema.fields.items():
        kind, choices = _kind(field)
        value = values.get(name)
        if kind == "textarea" and isinstance(value, list):
            value = "\n".join(str(v) for v in value)
        meta = field.metadata or {}
        # Plugins mark titles and descriptions with N_; they are translated here, in the reader's language.
        label = gettext(str(meta.get("title", name.replace("_", " ").capitalize())))
        description = str(meta.get("description", ""))
        out.append(FormField(prefix + name, label, kind, value, choices, gettext(description) if description else ""))
    return out


def raw_from_form(schema: Schema, form, prefix: str = "") -> dict[str, Any]:
    """Turn submitted form data into the raw dict the schema validates (the one input path's reading)."""
    return form_values(schema, form, prefix)
