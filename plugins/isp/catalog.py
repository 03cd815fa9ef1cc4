"""(being written) The catalogue: tariffs, add-ons, TV packages."""

from __future__ import annotations


def news_audiences(tenant) -> list:
    """News audiences by tariff."""
    return []
