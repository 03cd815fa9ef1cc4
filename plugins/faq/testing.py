"""The FAQ plugin's objects for the shipped route suites (the ``populate_test_world`` hook; tests only)."""

from __future__ import annotations

from typing import Any

from core.api import session
from plugins.faq.service import add_entry


def populate(site: Any) -> dict[str, int]:
    """One published entry: ``entry_id`` of ``/faq/admin/<int:entry_id>/…``."""
    entry = add_entry("Question?", "Answer.")
    session.flush()
    return {"entry_id": entry.id}
