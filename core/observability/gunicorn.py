"""gunicorn settings for metrics across workers: ``gunicorn -c python:core.observability.gunicorn …``."""

from __future__ import annotations

from prometheus_client import multiprocess


def child_exit(server, worker) -> None:
    """Drop the samples of a worker that exited (its live gauges would otherwise stay)."""
    multiprocess.mark_process_dead(worker.pid)
