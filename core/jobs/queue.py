"""The job queue: Huey, with SQLite storage by default and Redis in production.

Any number of consumers (``abonent jobs worker``) on any number of machines share one queue:

* **Periodic jobs fire once per period.** Every consumer's scheduler fires :func:`tick` each minute; a job runs
  only for the consumer whose claim of the job's current period (:class:`~core.jobs.models.JobSlot`) wins.
* **Per-tenant jobs fan out**: one task per tenant, so a slow or failing tenant delays or fails only itself. A
  failed tenant's task is retried (:data:`RETRIES` times) and its error is kept in
  :class:`~core.jobs.models.JobOutcome` (``abonent jobs status``).
* Anything may put a job on the queue with :func:`enqueue` (an operator action that must not hold a request).
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.db import session, utcnow
from core.db.tenancy import cross_tenant
from core.jobs.models import JobOutcome, JobSlot
from core.jobs.per_tenant import run_for_tenant
from core.observability.metrics import observe_job
from core.plugins.enablement import tenants_with_plugin
from core.plugins.types import Job, TenantJob
from core.tenants.models import Tenant

log = logging.getLogger(__name__)

#: How often a failed task is tried again, and after how many seconds.
RETRIES = 2
RETRY_DELAY = 60
#: The scheduler fires once a minute: a job asking for a shorter period runs each minute.
SHORTEST_PERIOD = 60
EXTENSION = "abonent.queue"
AFTER_COMMIT = "abonent.enqueue_after_commit"


def build_queue(app: Flask) -> Huey:
    """Make the app's queue (Redis when ``ABONENT_REDIS_URL`` is set, else an SQLite file in the instance folder)."""
    if app.config.get("REDIS_URL"):
        huey: Huey = RedisHuey("abonent", url=app.config["REDIS_URL"], utc=True, results=False)
    else:
        path = Path(app.config["INSTANCE_DIR"]) / "jobs-queue.sqlite3"
        huey = SqliteHuey("abonent", filename=str(path), utc=True, results=False)

    @huey.task(name="abonent.job", retries=RETRIES, retry_delay=RETRY_DELAY)
    def job_task(name: str, tenant_slug: str | None = None, at: str | None = None) -> object:
        with app.app_context():
            return run_task(name, tenant_slug, datetime.fromisoformat(at) if at else utcnow())

    @huey.periodic_task(crontab(), name="abonent.tick")
    def tick_task() -> list[str]:
        with app.app_context():
            return tick(utcnow())

    huey.abonent_job = job_task  # type: ignore[attr-defined]
    app.extensions[EXTENSION] = huey
    return huey


def queue() -> Huey:
    """The current app's queue."""
    return current_app.extensions[EXTENSION]


def enqueue(name: str, tenant_slug: str | None = None, at: datetime | None = None) -> None:
    """Put job ``name`` on the queue (for one tenant of a per-tenant job, or for all of them)."""
    queue().abonent_job(name, tenant_slug, at.isoformat() if at else None)


def enqueue_after_commit(name: str, tenant_slug: str | None = None) -> None:
    """Put job ``name`` on the queue once the current transaction commits (nothing if it rolls back).

    For work a request hands over (a registry upload, a mail): a consumer starts it within a second instead of
    at the next minute's tick, and never before the rows it needs are visible.
    """
    session.info.setdefault(AFTER_COMMIT, set()).add((name, tenant_slug))


@event.listens_for(Session, "after_commit")
def _enqueue_committed(db_session: Session) -> None:
    waiting = db_session.info.pop(AFTER_COMMIT, None)
    if not waiting or not has_app_context() or EXTENSION not in current_app.extensions:
        return
    for name, tenant_slug in sorted(waiting, key=str):
        try:
            enqueue(name, tenant_slug)
        except Exception:  # the queue is down: the next tick starts the job anyway
            log.exception("could not enqueue %s; the scheduler's next tick will start it", name)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(db_session: Session) -> None:
    db_session.info.pop(AFTER_COMMIT, None)


def claim(name: str, period_seconds: int, now: datetime) -> bool:
    """Claim job ``name``'s current period; true for exactly one caller per period, whoever calls."""
    slot = int(now.timestamp()) // max(period_seconds, SHORTEST_PERIOD)
    try:
        session.add(JobSlot(job=name, slot=slot, claimed_at=now))
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def tick(now: datetime) -> list[str]:
    """Enqueue every job whose period has come and that no other consumer claimed; returns their names."""
    started = []
    for name, job in sorted(current_app.extensions["abonent.jobs"].items()):
        if claim(name, job.every_seconds, now):
            enqueue(name, at=now)
            started.append(name)
    return started


def run_task(name: str, tenant_slug: str | None, now: datetime) -> object:
    """Run one queued task: a plain job, one tenant's share of a per-tenant job, or the fan-out to its tenants."""
    job = current_app.extensions["abonent.jobs"].get(name)
    if job is None:
        log.error("job %s is not registered here; the task is dropped", name)
        return None
    if isinstance(job, TenantJob):
        if tenant_slug is None:
            slugs = [tenant.slug for tenant in tenants_with_plugin(job.plugin)]
            for slug in slugs:
                enqueue(name, slug, now)
            return {"tenants": len(slugs)}
        return _run_for_tenant(job, tenant_slug, now)
    return _run_recorded(job, now)


def _run_recorded(job: Job, now: datetime) -> object:
    try:
        result = job.run(now)
        session.commit()
    except Exception as error:
        session.rollback()
        _record(job.name, "", ok=False, detail=f"{type(error).__name__}: {error}")
        observe_job(job.name, failed=True)
        raise
    _record(job.name, "", ok=True, detail=str(result))
    observe_job(job.name, failed=False)
    return result


def _run_for_tenant(job: TenantJob, slug: str, now: datetime) -> object:
    tenant = session.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        return None  # the tenant went away since the fan-out
    try:
        result = run_for_tenant(job, tenant, now)
    except Exception as error:
        log.exception("job %s failed for tenant %s", job.name, slug)
        _record(job.name, slug, ok=False, detail=f"{type(error).__name__}: {error}")
        observe_job(job.name, failed=True)
        raise  # Huey tries again later
    _record(job.name, slug, ok=True, detail=str(result))
    observe_job(job.name, failed=False)
    return result


def _record(name: str, tenant: str, *, ok: bool, detail: str) -> None:
    with cross_tenant():
        outcome = session.get(JobOutcome, (name, tenant)) or JobOutcome(job=name, tenant=tenant)
        outcome.finished_at, outcome.ok, outcome.detail = utcnow(), ok, detail[:2000]
        session.add(outcome)
        session.commit()


def outcomes() -> list[JobOutcome]:
    """How every job last ended (per tenant for per-tenant jobs), by job and tenant."""
    with cross_tenant():
        return list(session.scalars(select(JobOutcome).order_by(JobOutcome.job, JobOutcome.tenant)))


class _EmbeddedConsumer(Consumer):
    """A consumer that runs beside a web server in one process (it leaves signals to the server)."""

    def _set_signal_handlers(self) -> None:
        pass


def start_embedded_consumer(app: Flask, workers: int = 2) -> Consumer:
    """Consume the app's queue in background threads of this process (the demo and single-process installs)."""
    consumer = _EmbeddedConsumer(app.extensions[EXTENSION], workers=workers, worker_type="thread", periodic=True)
    consumer.start()
    with app.app_context():
        tick(utcnow())  # the scheduler's first tick is at the next full minute: start what is due now
    return consumer
