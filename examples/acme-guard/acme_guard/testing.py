"""acme_guard's objects for Abonent's shipped route suites (the ``populate_test_world`` hook; tests only)."""

from __future__ import annotations

from typing import Any

from acme_guard.service import add_item


def populate(site: Any) -> dict[str, int]:
    """One item: ``item_id`` of ``/api/v1/acme-guard/<int:item_id>``."""
    return {"item_id": add_item("Test item").id}
