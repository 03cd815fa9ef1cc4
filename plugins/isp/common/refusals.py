"""Why something is refused: a stable code (for the API and tests) and words for the subscriber.

Every quote (tariff change, promised payment, voluntary block, add-on) answers either what will
happen or a list of :class:`Refusal`. Codes never change; messages are translated (Russian and
English): build them with ``lazy_gettext`` so the words follow the reader's locale, e.g.
``Refusal("too_often", _l("Next possible from %(day)s.", day=…))``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Refusal:
    """One reason an action is refused."""

    code: str
    text: Any  # a lazy_gettext string

    @property
    def message(self) -> str:
        """The reason in the current locale."""
        return str(self.text)

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message}


class Refused(Exception):
    """Raised by a confirm step when the quote's reasons still apply; nothing was changed."""

    def __init__(self, reasons: list[Refusal]) -> None:
        super().__init__("; ".join(r.code for r in reasons))
        self.reasons = reasons
