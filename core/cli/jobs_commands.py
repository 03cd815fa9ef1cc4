"""``abonent jobs``: list, run one job by hand, run the embedded worker."""

from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup

from core.jobs.registry import run_job, run_worker

jobs = AppGroup("jobs", help="Periodic jobs (all idempotent).")


@jobs.command("list")
def list_command() -> None:
    """List registered jobs."""
    for name, job in sorted(current_app.extensions["abonent.jobs"].items()):
        click.echo(f"{name:<32} every {job.every_seconds}s")


@jobs.command("run")
@click.argument("name")
def run_command(name: str) -> None:
    """Run job NAME once now."""
    registry = current_app.extensions["abonent.jobs"]
    if name not in registry:
        raise click.BadParameter(f"no job {name!r}; see `abonent jobs list`", param_hint="NAME")
    result = run_job(current_app._get_current_object(), name)
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
