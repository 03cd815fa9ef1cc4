"""(being written) Daily charging."""

from __future__ import annotations


def jobs() -> list:
    return []
