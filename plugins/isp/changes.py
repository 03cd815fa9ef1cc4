"""(being written) Tariff changes and add-ons."""

from __future__ import annotations


def jobs() -> list:
    return []
