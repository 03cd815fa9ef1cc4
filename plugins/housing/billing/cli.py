"""``abonent housing accrue --tenant SLUG --period YYYY-MM``: the month's billing run from the command line."""

from __future__ import annotations

import sys
from datetime import date

import click

from core.api import format_money, session, tenant_scope
from plugins.housing.accruals.run import run_period
from plugins.housing.common.cli import housing, tenant_or_fail
from plugins.housing.penalties.posting import post_penalties


@housing.command("accrue")
@click.option("--tenant", "slug", required=True)
@click.option("--period", required=True, help="The month to bill, YYYY-MM.")
def accrue_command(slug: str, period: str) -> None:
    """Bill the month for every flat of the tenant (idempotent: a second run posts nothing)."""
    try:
        month = date.fromisoformat(f"{period.strip()}-01")
    except ValueError:
        click.echo(f"--period: {period!r} is not a month (YYYY-MM, e.g. 2026-11)", err=True)
        sys.exit(2)
    tenant = tenant_or_fail(slug)
    with tenant_scope(tenant.id):
        result = run_period(month)
        penalties = post_penalties(tenant, month)
        session.commit()
    click.echo(
        f"{slug} {month:%Y-%m}: {result.lines} line(s), {format_money(result.total)}, {result.flats} flat(s); "
        f"penalties {format_money(penalties)}"
    )
