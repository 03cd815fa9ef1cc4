"""The one way a list page sorts: ``?sort=<key>`` picked from the orders the page offers, else its default.

An unknown key falls back to the default (a hand-edited address never fails), and the page shows the
offered orders as plain links (no JavaScript), the current one marked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import request


@dataclass(frozen=True)
class SortOrder:
    """One way to order a list: its ``key`` in the address, its ``title`` on the page, and SQL ``columns``."""

    key: str
    title: Any
    columns: Sequence[Any]


def chosen_order(orders: Sequence[SortOrder], args: Mapping[str, str] | None = None) -> SortOrder:
    """The order named by ``?sort=`` among ``orders`` (the first is the default)."""
    wanted = (args if args is not None else request.args).get("sort", "")
    return next((order for order in orders if order.key == wanted), orders[0])
