"""``abonent isp …`` commands: the daily charge run by hand.

``abonent isp charge --tenant SLUG`` catches up every uncharged day through the tenant's today (what
the hourly job does); ``--date YYYY-MM-DD`` charges that one day; ``--date D --until-today`` every
day from D through today; ``--dry-run`` shows the totals and writes nothing.

Test hook: with ``ABONENT_ISP_CHARGE_PAUSE=<seconds>`` in the environment the command sleeps that
long after each committed chunk, so a test can kill it between chunks (the crash-and-rerun test).
"""

from __future__ import annotations

import os
import time
from datetime import date

import click
from flask.cli import AppGroup
from sqlalchemy import select

from core.api import Tenant, enabled_plugins, format_money, session, tenant_scope, utcnow
from plugins.isp.charging.service import CHUNK_SIZE, ChargeResult, charge_day, charge_until
from plugins.isp.common.calendar import days, tenant_today

PAUSE_VARIABLE = "ABONENT_ISP_CHARGE_PAUSE"
CLI_TRIGGER = "cli"


isp = AppGroup("isp", help="ISP: charge runs and maintenance.")


def _tenant(slug: str) -> Tenant:
    tenant = session.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        raise click.BadParameter(f"no tenant {slug!r}; see `abonent tenants list`", param_hint="--tenant")
    if "isp" not in enabled_plugins(tenant):
        raise click.BadParameter(f"the isp plugin is not enabled for {slug!r}", param_hint="--tenant")
    return tenant


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-02-28", param_hint="--date") from None


def _progress(result: ChargeResult) -> None:
    click.echo(f"  {result.day}: chunk {result.chunks} committed, {result.charges} charge(s) so far", err=True)
    pause = float(os.environ.get(PAUSE_VARIABLE) or 0)
    if pause:
        time.sleep(pause)


def _print(result: ChargeResult) -> None:
    verb = "would charge" if result.dry_run else "charged"
    click.echo(f"{result.day}: {verb} {result.charges} charge(s), {format_money(result.total)}")
    for service, (count, amount) in sorted(result.by_service.items()):
        click.echo(f"  {service:<20} {count:>8}  {format_money(amount)}")
    if result.skipped_blocked or result.frozen:
        click.echo(f"  not charged: {result.skipped_blocked} blocked for debt, {result.frozen} voluntarily blocked")
    if not result.dry_run:
        click.echo(f"  contracts blocked for debt now: {result.blocked}; low-balance reminders: {result.reminded}")


@isp.command("charge")
@click.option("--tenant", "slug", required=True, help="The tenant's slug.")
@click.option("--date", "day_text", default=None, metavar="YYYY-MM-DD", help="Charge this day only.")
@click.option("--until-today", is_flag=True, help="With --date: every day from it through today.")
@click.option("--dry-run", is_flag=True, help="Show what would be charged; write nothing.")
@click.option(
    "--chunk-size",
    type=click.IntRange(1, 100_000),
    default=CHUNK_SIZE,
    show_default=True,
    help="Subscriptions per committed chunk.",
)
def charge_command(slug: str, day_text: str | None, until_today: bool, dry_run: bool, chunk_size: int) -> None:
    """Run the daily charge for a tenant (idempotent: a second run posts nothing more)."""
    tenant = _tenant(slug)
    day = _day(day_text)
    now = utcnow()
    today = tenant_today(tenant, now)
    if day is not None and until_today and day > today:
        raise click.BadParameter(f"{day} is after today ({today})", param_hint="--date")
    options = {"dry_run": dry_run, "trigger": CLI_TRIGGER, "now": now, "chunk_size": chunk_size}
    options["on_chunk"] = None if dry_run else _progress
    with tenant_scope(tenant.id):
        if day is None:
            results = charge_until(tenant, today, **options)
        elif until_today:
            results = [charge_day(tenant, d, **options) for d in days(day, today)]
        else:
            results = [charge_day(tenant, day, **options)]
        session.commit()
    for result in results:
        _print(result)
    if len(results) > 1:
        charges = sum(r.charges for r in results)
        total = sum(r.total for r in results)
        blocked = sum(r.blocked for r in results)
        span = f"{results[0].day}…{results[-1].day}"
        click.echo(f"{span}: {charges} charge(s), {format_money(total)}; {blocked} contract(s) blocked")
