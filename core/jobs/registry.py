"""Collecting jobs and running them."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

from flask import Flask

from core.db import utcnow
from core.jobs.per_tenant import FAILED, run_for_each_tenant
from core.observability.metrics import observe_job
from core.plugins.collect import collect
from core.plugins.manager import PluginHost
from core.plugins.types import Job, TenantJob

log = logging.getLogger(__name__)


def build_jobs(host: PluginHost) -> dict[str, Job | TenantJob]:
    """Every job the plugins (core's own included) register, by name; a name registered twice is an error."""
    found = collect(host, host.hook.register_jobs, (Job, TenantJob), key=lambda job: job.name, what="job")
    return {name: contributed.value for name, contributed in found.items()}


def run_job(app: Flask, name: str, now: datetime | None = None, tenant: str | None = None):
    """Run one job now, in its own app context (its own session and transaction).

    A :class:`TenantJob` runs for each tenant with its plugin (or only the tenant with slug ``tenant``).
    """
    job = app.extensions["abonent.jobs"][name]
    with app.app_context():
        if isinstance(job, TenantJob):
            return run_for_each_tenant(job, now or utcnow(), only=tenant)
        return job.run(now or utcnow())


def run_worker(app: Flask, stop: threading.Event, tick_seconds: float = 1.0) -> None:
    """Run every job whenever it is due until ``stop`` is set. Errors are logged, never fatal."""
    last_run: dict[str, float] = {}
    while not stop.is_set():
        for name, job in app.extensions["abonent.jobs"].items():
            if time.monotonic() - last_run.get(name, -1e9) >= job.every_seconds:
                last_run[name] = time.monotonic()
                try:
                    result = run_job(app, name)
                except Exception:
                    log.exception("job %s failed", name)
                    observe_job(name, failed=True)
                else:
                    observe_job(name, failed=isinstance(result, dict) and FAILED in result.values())
        stop.wait(tick_seconds)


def start_embedded_worker(app: Flask) -> threading.Event:
    """Start the worker in a daemon thread (the demo and single-process installs); returns its stop flag."""
    stop = threading.Event()
    threading.Thread(target=run_worker, args=(app, stop), name="abonent-jobs", daemon=True).start()
    return stop
