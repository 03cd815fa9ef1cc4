"""``abonent jobs``: list, run one job by hand, consume the queue, show how jobs last ended."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from core.db import utcnow
from core.jobs.per_tenant import FAILED
from core.jobs.queue import outcomes, queue, tick
from core.jobs.registry import run_job
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
@click.option("--workers", default=2, show_default=True, help="Tasks run at once by this consumer (threads).")
def worker_command(workers: int) -> None:
    """Consume the job queue until stopped (start any number, on any number of machines)."""
    consumer = queue().create_consumer(workers=workers, worker_type="thread", periodic=True)
    click.echo(f"job consumer running with {workers} worker(s); Ctrl+C to stop")
    tick(utcnow())  # the scheduler's first tick is at the next full minute: start what is due now
    consumer.run()


@jobs.command("status")
def status_command() -> None:
    """How each job last ended (per tenant for per-tenant jobs); exit code 1 if any last run failed."""
    failed = False
    for outcome in outcomes():
        where = f" [{outcome.tenant}]" if outcome.tenant else ""
        state = "ok" if outcome.ok else "FAILED"
        failed = failed or not outcome.ok
        click.echo(f"{outcome.job}{where}: {state} at {outcome.finished_at:%Y-%m-%d %H:%M} UTC: {outcome.detail}")
    if failed:
        raise SystemExit(1)
