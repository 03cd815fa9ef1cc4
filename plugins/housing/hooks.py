"""The housing plugin's hook implementations: where core meets the housing vertical (its one index)."""

from __future__ import annotations

from core.api import Permission, hookimpl

RESIDENT = ("subscriber",)
STAFF = ("operator", "tenant_admin")


@hookimpl
def register_permissions():
    return [
        Permission("housing.readings.submit", "Submit meter readings for one's own flats", RESIDENT),
        Permission("housing.stock.manage", "Manage buildings, flats, accounts and meters", STAFF),
        Permission("housing.readings.manage", "Enter readings taken by phone and review flagged ones", STAFF),
    ]


@hookimpl
def register_commands(cli):
    from plugins.housing.stock.cli import housing

    cli.add_command(housing)
