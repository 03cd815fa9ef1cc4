"""A domain refusal and its two answers: a 409 JSON body for the API, a form error (409) for a page.

A service that may refuse an action (a promised payment, a voluntary block, a tariff change …) raises
:class:`Refused` with one :class:`Refusal` per reason and changes nothing; the view rolls back and answers:

* in the JSON API, ``return refused_response(refused)``: 409 :class:`RefusedSchema`
  ``{"code": "refused", "message": …, "reasons": [{"code", "message"}]}``
  (declare it with ``@blp.alt_response(409, schema=RefusedSchema)``);
* on a page, show ``refused.messages`` as the form's error (or flash them) and answer 409.

Codes are stable (clients and tests read them); texts are lazy translations (``lazy_gettext``), so the
words follow the reader's language: ``Refusal("too_often", _l("Next possible from %(day)s.", day=…))``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import Response, jsonify
from marshmallow import Schema, fields


@dataclass(frozen=True)
class Refusal:
    """One reason an action is refused: a stable ``code`` and words (``text``, a lazy translation)."""

    code: str
    text: Any

    @property
    def message(self) -> str:
        """The reason in the current language."""
        return str(self.text)

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message}


class Refused(Exception):
    """Raised by a service when an action is refused; nothing was changed. ``reasons`` says why."""

    def __init__(self, reasons: Iterable[Refusal]) -> None:
        self.reasons = list(reasons)
        super().__init__("; ".join(r.code for r in self.reasons))

    @property
    def messages(self) -> list[str]:
        """The reasons in words (current language), for a form error or flashed messages."""
        return [r.message for r in self.reasons]


class RefusalSchema(Schema):
    """One reason of a 409 answer."""

    code = fields.String(metadata={"description": "stable code of the reason, e.g. low_balance"})
    message = fields.String(metadata={"description": "the reason in words, in the caller's language"})


class RefusedSchema(Schema):
    """The 409 answer of a refused action (subclass it to document a plugin's codes on ``reasons``)."""

    code = fields.String(metadata={"description": "always 'refused'"})
    message = fields.String(metadata={"description": "all the reasons in words, one after another"})
    reasons = fields.List(fields.Nested(RefusalSchema), metadata={"description": "why the action was refused"})


def refused_response(refused: Refused | Iterable[Refusal]) -> Response:
    """409 :class:`RefusedSchema` for a :class:`Refused` (or its reasons), words in the caller's language."""
    reasons = refused.reasons if isinstance(refused, Refused) else list(refused)
    response = jsonify(
        {
            "code": "refused",
            "message": " ".join(r.message for r in reasons),
            "reasons": [r.as_json() for r in reasons],
        }
    )
    response.status_code = 409
    return response
