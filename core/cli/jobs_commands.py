"""``abonent jobs``: list, run one job by hand, run the embedded worker."""

from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup

from core.jobs.per_tenant import FAILED
from core.jobs.registry import run_job, run_worker
from core.plugins.types import TenantJob

jobs = AppGroup("jobs", help="Periodic jobs (all idempotent).")


@jobs.command("list")
def list_command() -> None:
    """List registered jobs."""
    for name, job in sorted(current_app.extensions["abonent.jobs"].items()):
        scope = f" for each tenant with {job.plugin}" if isinstance(job, TenantJob) else ""
        click.echo(f"{name:<32} every {job.every_seconds}s{scope}")


@jobs.command("run")
@click.argument("name")
@click.option("--tenant", "tenant_slug", default=None, help="Run a per-tenant job for this tenant only.")
def run_command(name: str, tenant_slug: str | None) -> None:
    """Run job NAME once now."""
    registry = current_app.extensions["abonent.jobs"]
    if name not in registry:
        raise click.BadParameter(f"no job {name!r}; see `abonent jobs list`", param_hint="NAME")
    if tenant_slug is not None and not isinstance(registry[name], TenantJob):
        raise click.BadParameter(f"job {name!r} is not per tenant", param_hint="--tenant")
    result = run_job(current_app._get_current_object(), name, tenant=tenant_slug)
    if isinstance(result, dict) and isinstance(registry[name], TenantJob):
        if tenant_slug is not None and not result:
            raise click.ClickException(f"tenant {tenant_slug!r} does not exist, is not active or has not enabled it")
        for slug, outcome in result.items():
            click.echo(f"{name} [{slug}]: {outcome}")
        if FAILED in result.values():
            raise click.ClickException("the job failed for some tenants; see the log")
        return
    click.echo(f"{name}: {result}")


@jobs.command("worker")
def worker_command() -> None:
    """Run due jobs in a loop until interrupted (one worker per installation)."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    click.echo("job worker running; Ctrl+C to stop")
    try:
        run_worker(current_app._get_current_object(), stop)
    except KeyboardInterrupt:
        stop.set()
