"""How the ledger plugs into core: the ``abonent ledger check`` command."""

from __future__ import annotations

import click

from core.plugins.markers import hookimpl


@hookimpl
def register_commands(cli: click.Group) -> None:
    """``abonent ledger check``: balances against the postings."""
    from core.ledger.cli import ledger

    cli.add_command(ledger)
