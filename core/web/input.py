"""The one way an HTML form's input is read: a marshmallow schema loads it, errors come back translated.

A view declares what it accepts as a schema and calls :func:`read_form`::

    class NewTicket(Schema):
        subject = fields.String(required=True, validate=validate.Length(max=200))
        account_id = fields.Integer(load_default=None)

    form = read_form(NewTicket())
    if form.ok:
        service.open_ticket(**form.data)
    return render_template("new.html", values=form.values, errors=form.errors), 200 if form.ok else 400

CSRF is checked for every POST by Flask-WTF before the view runs; nothing here checks it again. Values are taken as
HTML sends them: a checkbox that is absent is ``False``, a list field takes repeated inputs or one value per line,
an empty input is "not given" (the field's default applies) except for an optional text field, where it means
"empty". Text is trimmed, except in a :func:`Secret` field (a password is taken exactly as typed). Text that
contains a NUL or another control character (other than tab and line breaks) is refused with a message: such text
cannot be stored on PostgreSQL and is never typed by a person. In the template, the ``field`` macro of
``macros.html`` shows an input with its label and its messages (``field_errors`` shows the messages alone).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import request
from marshmallow import Schema, ValidationError, fields, validate
from werkzeug.datastructures import MultiDict

from core.web.bounds import MAX_ID
from core.web.validation_messages import translate_errors

_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NOT_ALLOWED = "Contains a character that is not allowed."
_KEEP_SPACES = "abonent.keep_spaces"


@dataclass(frozen=True)
class FormInput:
    """What :func:`read_form` found: the loaded ``data`` (empty when there are errors), the ``errors`` by field
    name (translated lists of messages) and the ``values`` as typed, to show the form again."""

    data: dict[str, Any]
    errors: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def blank(cls, values: Mapping[str, Any] | None = None) -> FormInput:
        """A form as first shown (a GET): ``values`` to fill in, nothing wrong yet."""
        return cls({}, {}, dict(values or {}))

    @property
    def ok(self) -> bool:
        """True when every field is valid."""
        return not self.errors

    def error(self, name: str) -> str:
        """The messages for field ``name`` as one sentence (empty when the field is valid)."""
        return join_messages(self.errors.get(name))

    def add_error(self, name: str, message: str) -> None:
        """Report ``message`` against field ``name`` (a refusal from a service, after the schema accepted it)."""
        self.errors.setdefault(name, []).append(message)


def join_messages(messages: Any) -> str:
    """Messages of one field as a single line, for a template or a flash."""
    if not messages:
        return ""
    if isinstance(messages, str):
        return messages
    if isinstance(messages, Mapping):
        return " ".join(join_messages(value) for value in messages.values())
    return " ".join(join_messages(value) for value in messages)


def _is_text(schema_field: fields.Field) -> bool:
    return isinstance(schema_field, fields.String) and not isinstance(schema_field, fields.Email | fields.URL)


def form_values(
    schema: Schema, formdata: MultiDict | Mapping[str, Any] | None = None, prefix: str = ""
) -> dict[str, Any]:
    """The raw dict that ``schema`` loads, taken from HTML form data (``request.form`` by default; see the
    module's notes on empty inputs)."""
    formdata = request.form if formdata is None else formdata
    raw: dict[str, Any] = {}
    getlist = formdata.getlist if isinstance(formdata, MultiDict) else (lambda key: [formdata[key]])
    for name, schema_field in schema.load_fields.items():
        key = prefix + (schema_field.data_key or name)
        if isinstance(schema_field, fields.Boolean):
            raw[schema_field.data_key or name] = formdata.get(key) if key in formdata else False
            continue
        if key not in formdata:
            continue
        if isinstance(schema_field, fields.List | fields.Tuple):
            given = [str(value) for value in getlist(key)]
            if len(given) == 1:  # one textarea: one value per line
                given = given[0].splitlines()
            raw[schema_field.data_key or name] = [value.strip() for value in given if value.strip()]
            continue
        value = formdata.get(key)
        if isinstance(value, str) and not schema_field.metadata.get(_KEEP_SPACES):
            value = value.strip()
        if value == "" and not (_is_text(schema_field) and not schema_field.required):
            continue  # not given: the field's default applies, or "required" is reported
        raw[schema_field.data_key or name] = value
    return raw


def _forbidden_characters(raw: Mapping[str, Any]) -> dict[str, list[str]]:
    errors = {}
    for key, value in raw.items():
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and _FORBIDDEN.search(text) for text in texts):
            errors[key] = [_NOT_ALLOWED]
    return errors


def read_form(schema: Schema, formdata: MultiDict | Mapping[str, Any] | None = None, prefix: str = "") -> FormInput:
    """Load the submitted form (``request.form`` by default) with ``schema``; never raises for bad input."""
    formdata = request.form if formdata is None else formdata
    raw = form_values(schema, formdata, prefix)
    shown = dict(raw)  # what was typed, kept apart from what the schema loads
    errors: dict[str, Any] = _forbidden_characters(raw)
    if errors:
        return FormInput({}, translate_errors(errors), shown)
    try:
        data = schema.load(raw)
    except ValidationError as invalid:
        messages = invalid.messages if isinstance(invalid.messages, dict) else {"_schema": invalid.messages}
        return FormInput({}, translate_errors(messages), shown)
    return FormInput(data, {}, shown)


def Id(**kwargs: Any) -> fields.Integer:
    """An integer field for a row id: bounded, so a huge number is a form error rather than a database error."""
    return fields.Integer(strict=False, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def Text(max_length: int = 10_000, **kwargs: Any) -> fields.String:
    """A free-text field, empty by default, at most ``max_length`` characters (the service checks the meaning)."""
    kwargs.setdefault("load_default", "")
    return fields.String(validate=validate.Length(max=max_length), **kwargs)


def Secret(max_length: int = 1024, **kwargs: Any) -> fields.String:
    """A password field: taken exactly as typed (spaces kept), at most ``max_length`` characters."""
    kwargs.setdefault("metadata", {})[_KEEP_SPACES] = True
    return fields.String(validate=validate.Length(max=max_length), **kwargs)


def posted_form() -> MultiDict:
    """The posted form as it came (every value a string), for what no schema can describe: a payment gateway's
    callback checked by its signature, or the guard that refuses forbidden characters before any view runs."""
    return request.form


class NextForm(Schema):
    """The ``next`` field many small forms carry: where to go back to (checked by ``safe_next``)."""

    next = Text(2000)


def posted_next() -> str | None:
    """The posted ``next`` value, for ``core.web.urls.safe_next`` to check; ``None`` when absent or unusable."""
    form = read_form(NextForm())
    return form.data.get("next") or None
