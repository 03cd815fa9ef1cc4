"""``abonent isp …`` commands."""

from __future__ import annotations

import click


@click.group("isp")
def isp() -> None:
    """ISP: charge runs and maintenance."""
