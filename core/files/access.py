"""Who may download a stored file: each owner type registers a check (tickets, visits, plugins' documents)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.identity.models import User

OwnerCheck = Callable[["User", int], bool]
_CHECKS: dict[str, OwnerCheck] = {}


def register_owner(owner_type: str, may_see: OwnerCheck) -> None:
    """``may_see(user, owner_id)`` decides whether ``user`` may download files attached to that object."""
    _CHECKS[owner_type] = may_see


def may_download(user: User, owner_type: str, owner_id: int) -> bool:
    check = _CHECKS.get(owner_type)
    return check is not None and check(user, owner_id)
