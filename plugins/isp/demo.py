"""(being written) Demo data from a tenant file's ``[demo.plugins.isp]``."""

from __future__ import annotations


def load(tenant, data: dict) -> None:
    """Create the demo catalogue and contracts (idempotent)."""
