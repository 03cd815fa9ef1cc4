"""Collecting jobs and running them."""

from __future__ import annotations

import logging
from datetime import datetime

from flask import Flask

from core.db import utcnow
from core.jobs.per_tenant import run_for_each_tenant
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
