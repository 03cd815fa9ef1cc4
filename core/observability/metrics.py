"""The Prometheus metrics of Abonent, correct across gunicorn workers.

With several worker processes, set ``PROMETHEUS_MULTIPROC_DIR`` to an empty folder before the server starts (and
use ``core.observability.gunicorn`` as gunicorn's config so a dead worker's gauges are dropped): each process then
writes its samples there and ``/metrics`` adds them up. Without it, the one process's own counters are shown.
"""

from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess

REQUESTS = Counter(
    "abonent_http_requests_total", "HTTP requests answered, by method, route and status.", ["method", "route", "status"]
)
LATENCY = Histogram(
    "abonent_http_request_duration_seconds",
    "Time to answer an HTTP request, by route.",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
TENANT_REQUESTS = Counter("abonent_tenant_requests_total", "HTTP requests per tenant site.", ["tenant"])
JOB_RUNS = Counter("abonent_job_runs_total", "Job runs, by job and outcome (ok or failed).", ["job", "outcome"])
POSTINGS = Counter("abonent_ledger_transactions_total", "Ledger transactions posted.")


def observe_request(method: str, route: str, status: int, seconds: float, tenant: str | None) -> None:
    """Count one answered request (``route`` is the URL rule, never the raw path: ids would explode the series)."""
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(route).observe(seconds)
    if tenant:
        TENANT_REQUESTS.labels(tenant).inc()


def observe_job(name: str, failed: bool) -> None:
    """Count one run of a job."""
    JOB_RUNS.labels(name, "failed" if failed else "ok").inc()


def observe_postings(count: int) -> None:
    """Count ledger transactions written (not those found posted already under their key)."""
    if count:
        POSTINGS.inc(count)


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus text format (summed over every worker in multiprocess mode) and its type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    from prometheus_client import REGISTRY

    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
