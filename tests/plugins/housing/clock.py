"""Freezing housing's clock in a test: ``with at(datetime(2026, 12, 25, 23, 30, tzinfo=UTC)): …`` or
``with on(date(2026, 12, 21)): …`` (9:00 UTC that day). Housing takes "now" from
``plugins.housing.common.clock`` and the day from the tenant's time zone."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, date, datetime
from unittest import mock


@contextmanager
def at(moment: datetime):
    """Housing's "now" is ``moment`` inside the block."""
    with mock.patch("plugins.housing.common.clock.utcnow", return_value=moment):
        yield


def on(day: date, hour: int = 9):
    """Housing's "now" is ``hour`` o'clock UTC of ``day`` inside the block."""
    return at(datetime(day.year, day.month, day.day, hour, tzinfo=UTC))
