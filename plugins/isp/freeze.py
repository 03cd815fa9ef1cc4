"""(being written) Voluntary block."""

from __future__ import annotations


def jobs() -> list:
    return []
