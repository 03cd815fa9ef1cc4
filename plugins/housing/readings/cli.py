"""``abonent housing import-readings FILE --tenant SLUG`` and ``export-readings --tenant SLUG --period 2026-11``:
readings from and for the company's billing; ``import-building-readings FILE --tenant SLUG``: building meters'
volumes of a month."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from core.api import csv_response, tenant_scope
from plugins.housing.common.cli import housing, import_command, tenant_or_fail
from plugins.housing.common.csvimport import month
from plugins.housing.readings import building, bulk

import_command(
    "import-readings",
    bulk.READINGS,
    lambda n: f"{n['added']} reading(s) added, {n['updated']} updated, {n['unchanged']} unchanged",
    "Import the billing's readings from FILE (account;building;flat;kind;serial;zone;period;value). Any bad line: "
    "nothing is written, each problem is printed as FILE:LINE, exit code 1.",
)

import_command(
    "import-building-readings",
    building.BUILDING_READINGS,
    lambda n: f"{n['added']} building volume(s) added, {n['updated']} updated, {n['unchanged']} unchanged",
    "Import building meters' volumes of a month from FILE (building;kind;period;volume), shared between the flats "
    "by area by a shared_by_area service. Any bad line: nothing is written, each problem is printed as FILE:LINE, "
    "exit code 1.",
)


@housing.command("export-readings")
@click.option("--tenant", "slug", required=True)
@click.option("--period", required=True, help="The month, e.g. 2026-11.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="The file (default: standard output).")
def export_readings_command(slug: str, period: str, output: Path | None) -> None:
    """Write the readings of a month as CSV for the company's billing."""
    first = month(period)
    if first is None:
        click.echo(f"--period {period!r} is not a month such as 2026-11", err=True)
        sys.exit(1)
    tenant = tenant_or_fail(slug)
    with tenant_scope(tenant.id):
        text = csv_response("readings.csv", bulk.COLUMNS, bulk.export_rows(first)).get_data(as_text=True)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
