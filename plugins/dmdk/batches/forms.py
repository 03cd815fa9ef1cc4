"""What the batch pages, the JSON API and an imported CSV line accept (one schema each, read with
``core.api.read_form`` on a page and by flask-smorest in the API), with the rules in words."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from core.api import N_, Id
from plugins.dmdk.batches import terms, uin
from plugins.dmdk.batches.service import BatchInput

REQUIRED = N_("Fill this in.")


class Grams(fields.String):
    """A weight in grams as text (``"12,345"`` or ``"12.345"``, to the milligram), loaded as whole milligrams."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        milligrams, problem = terms.parse_grams(super()._deserialize(value, attr, data, **kwargs))
        if problem:
            raise ValidationError(problem)
        return milligrams  # type: ignore[return-value]


class Fineness(fields.String):
    """A fineness (проба) in parts per thousand as text (``"585"``, ``"999,9"``), loaded as tenths of a per mille."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        tenths, problem = terms.parse_fineness(super()._deserialize(value, attr, data, **kwargs))
        if problem:
            raise ValidationError(problem)
        return tenths  # type: ignore[return-value]


def _uin(value: str) -> None:
    if value:
        reason = uin.problem(value)
        if reason:
            raise ValidationError(reason)


def _choice(codes, message: str) -> fields.String:
    return fields.String(
        required=True,
        validate=validate.OneOf(list(codes), error=message),
        error_messages={"required": REQUIRED},
        metadata={"description": "one of: " + ", ".join(codes)},
    )


class BatchForm(Schema):
    """A new batch: its kind, name, metal, fineness, weight and number of items; the УИН if it has one."""

    kind = _choice(terms.KINDS, N_("Choose the kind of batch from the list."))
    name = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        error_messages={"required": REQUIRED},
        metadata={"description": "what the batch is, e.g. 'Кольцо обручальное'"},
    )
    metal = _choice(terms.METALS, N_("Choose the metal from the list."))
    fineness = Fineness(
        required=True,
        error_messages={"required": REQUIRED},
        metadata={"description": 'parts per thousand: "585", "999.9" (at most one decimal)'},
    )
    weight = Grams(
        required=True,
        error_messages={"required": REQUIRED},
        metadata={"description": 'grams to the milligram: "12.345"'},
    )
    count = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=terms.MAX_COUNT),
        metadata={"description": "number of items in the batch (1 for metal)"},
    )
    uin = fields.String(
        load_default="",
        validate=[validate.Length(max=40), _uin],
        metadata={"description": "16 digits, the last a Luhn check digit; empty: a new one is generated"},
    )


def batch_input(data: dict[str, Any]) -> BatchInput:
    """The loaded :class:`BatchForm` as the service takes it."""
    return BatchInput(
        kind=data["kind"],
        name=data["name"],
        metal=data["metal"],
        fineness=data["fineness"],
        weight_mg=data["weight"],
        count=data["count"],
        uin=uin.normalize(data["uin"]),
    )


class ReasonForm(Schema):
    """Why a batch is written off, or why a specification is returned."""

    reason = fields.String(
        required=True,
        validate=validate.Length(min=1, max=500),
        error_messages={"required": N_("Give the reason.")},
    )


class SpecificationForm(Schema):
    """A new specification: the receiving organization (by INN) and the sender's batches it lists."""

    receiver_inn = fields.String(
        required=True,
        validate=validate.Length(max=12),
        error_messages={"required": N_("Choose the receiving organization.")},
        metadata={"description": "INN of the receiving organization (registered on this site)"},
    )
    batch_ids = fields.List(
        Id(),
        required=True,
        validate=validate.Length(min=1, max=1000),
        error_messages={"required": N_("Choose at least one batch.")},
        metadata={"description": "ids of your registered batches in no other specification"},
    )


class ImportForm(Schema):
    """The import's one choice: register the imported batches at once, or keep them as drafts."""

    register = fields.Boolean(load_default=False)


class LookupForm(Schema):
    """The УИН a buyer looks up."""

    uin = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=40, error=N_("Enter the UIN: 16 digits.")), _uin],
        error_messages={"required": N_("Enter the UIN: 16 digits.")},
    )
