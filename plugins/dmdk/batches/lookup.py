"""The public УИН lookup: what a buyer may read about a batch, limited per visitor's address.

A УИН that is not found (or a draft) counts against the address (``core.api.throttle``, scope ``dmdk-uin``):
after :data:`MISSES` ``free`` misses the address waits, a minute at first and up to half an hour, so nobody
walks the number space. A found УИН costs nothing: a buyer checking the articles of a shop is never slowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.api import current_tenant, throttle
from plugins.dmdk.batches import service

SCOPE = "dmdk-uin"
MISSES = throttle.Backoff(20, timedelta(minutes=1), timedelta(minutes=30), memory=timedelta(hours=1))


@dataclass(frozen=True)
class Lookup:
    """The card found (``None``: no such batch in circulation), or the end of the wait that refused the lookup."""

    card: service.PublicCard | None = None
    wait_until: datetime | None = None


def look_up(number: str, ip: str) -> Lookup:
    """Look the УИН ``number`` (well-formed) up for a visitor from ``ip``; the caller commits the counter."""
    key = throttle.key(SCOPE, current_tenant().id, ip or "-")
    wait = throttle.waiting_until(throttle.counters([key], MISSES.memory).get(key))
    if wait is not None:
        return Lookup(wait_until=wait)
    card = service.public_card(number)
    if card is None:
        throttle.register(key, MISSES)
    return Lookup(card=card)
