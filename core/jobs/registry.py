"""Collecting jobs and running them."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

from flask import Flask

from core.db import utcnow
from core.plugins.manager import PluginHost
from core.plugins.types import Job

log = logging.getLogger(__name__)


def build_jobs(host: PluginHost) -> dict[str, Job]:
    jobs: dict[str, Job] = {}
    for plugin_name, returned in host.call_each("register_jobs"):
        for job in returned or []:
            if job.name in jobs:
                raise ValueError(f"job {job.name!r} registered twice (again by {plugin_name})")
            jobs[job.name] = job
    return jobs


def run_job(app: Flask, name: str, now: datetime | None = None):
    """Run one job now, in its own app context (its own session and transaction)."""
    job = app.extensions["abonent.jobs"][name]
    with app.app_context():
        return job.run(now or utcnow())


def run_worker(app: Flask, stop: threading.Event, tick_seconds: float = 1.0) -> None:
    """Run every job whenever it is due until ``stop`` is set. Errors are logged, never fatal."""
    last_run: dict[str, float] = {}
    while not stop.is_set():
        for name, job in app.extensions["abonent.jobs"].items():
            if time.monotonic() - last_run.get(name, -1e9) >= job.every_seconds:
                last_run[name] = time.monotonic()
                try:
                    run_job(app, name)
                except Exception:
                    log.exception("job %s failed", name)
        stop.wait(tick_seconds)


def start_embedded_worker(app: Flask) -> threading.Event:
    """Start the worker in a daemon thread (the demo and single-process installs); returns its stop flag."""
    stop = threading.Event()
    threading.Thread(target=run_worker, args=(app, stop), name="abonent-jobs", daemon=True).start()
    return stop
