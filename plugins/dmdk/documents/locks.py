"""Why a document cannot change: whatever relies on documents (a submitted application …) registers a finder here.

A document held by any finder's answer can be neither edited nor deleted, and its page says why. The documents
capability knows no holder: :mod:`plugins.dmdk.applications` registers its finder when it is imported.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Lock:
    """What holds a document: the reason in words (a lazy translation) and the holder's page (a path, or "")."""

    reason: Any
    link: str = ""

    @property
    def message(self) -> str:
        """The reason in the current language."""
        return str(self.reason)


LockFinder = Callable[[Sequence[int]], dict[int, Lock]]
_FINDERS: dict[str, LockFinder] = {}


def register_lock_finder(name: str, finder: LockFinder) -> None:
    """``finder(document_ids)`` answers ``{document id: Lock}`` for the documents its objects hold."""
    _FINDERS[name] = finder


def locks_of(document_ids: Sequence[int]) -> dict[int, Lock]:
    """The locks of the given documents (the first finder's, when several hold one)."""
    found: dict[int, Lock] = {}
    if not document_ids:
        return found
    for name in sorted(_FINDERS):
        for document_id, lock in _FINDERS[name](list(document_ids)).items():
            found.setdefault(document_id, lock)
    return found


def lock_of(document_id: int) -> Lock | None:
    """What holds one document, or ``None`` when it may change."""
    return locks_of([document_id]).get(document_id)
