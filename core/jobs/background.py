"""Long operator actions on the job queue, with their progress on a page (:class:`BackgroundAction`).

An operator page calls :func:`start_task`; the task is committed with the page's transaction and the job
:data:`RUN_JOB` is queued after the commit, so a consumer starts it within a second (the job also runs every few
seconds for what a queue outage left waiting, and takes over a task whose worker died). The consumer claims the
task (one consumer wins), runs the action in the tenant's scope and records its figures or its failure.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, g, has_request_context, url_for
from sqlalchemy import or_, select, update

from core.db import cross_tenant, session, tenant_scope, utcnow
from core.jobs.models import DONE, FAILED, QUEUED, RUNNING, BackgroundTask
from core.jobs.queue import enqueue_after_commit
from core.plugins.collect import Contributed, collect
from core.plugins.manager import PluginHost
from core.plugins.state import enabled_plugins
from core.plugins.types import BackgroundAction
from core.tenants.current import current_tenant

log = logging.getLogger(__name__)

#: The job that runs waiting tasks (registered in :mod:`core.jobs.hooks`).
RUN_JOB = "core.background_tasks"

#: A task still "running" after this long without progress belongs to a consumer that stopped.
STALE_AFTER = timedelta(minutes=30)

EXTENSION = "abonent.background_actions"


class TaskError(ValueError):
    """The action is unknown here or not enabled for the tenant."""


def build_actions(host: PluginHost) -> dict[str, Contributed[BackgroundAction]]:
    """Every plugin's background actions by code (a code registered twice is an error)."""
    return collect(
        host, host.hook.register_background_actions, BackgroundAction, key=lambda a: a.code, what="background action"
    )


def _registered() -> dict[str, Contributed[BackgroundAction]]:
    return current_app.extensions[EXTENSION]


def action_of(task: BackgroundTask) -> BackgroundAction | None:
    """The action a task runs (``None`` when its plugin is gone from this installation)."""
    found = _registered().get(task.action)
    return found.value if found is not None else None


def _available(code: str) -> BackgroundAction:
    found = _registered().get(code)
    if found is None:
        raise TaskError(f"unknown background action {code!r}")
    if found.plugin not in enabled_plugins(current_tenant()) and found.plugin in current_app.plugins.infos:
        raise TaskError(f"background action {code!r}: plugin {found.plugin!r} is not enabled for this tenant")
    return found.value


class Progress:
    """What a running action reports: ``done`` of ``total`` units (``total`` may stay unknown)."""

    def __init__(self, task: BackgroundTask) -> None:
        self._task = task

    def advance(self, done: int, total: int | None = None) -> None:
        """Record the progress so far and commit (with whatever work the action has not committed yet)."""
        self._task.done = max(0, int(done))
        if total is not None:
            self._task.total = max(0, int(total))
        self._task.heartbeat_at = utcnow()
        session.commit()


def start_task(code: str, params: dict[str, Any] | None = None) -> BackgroundTask:
    """Queue action ``code`` for the current tenant with ``params`` (JSON values); the caller commits.

    Raises :class:`TaskError` for an action that is not registered or whose plugin is not enabled here.
    """
    _available(code)
    principal = g.get("principal") if has_request_context() else None
    task = BackgroundTask(
        action=code,
        params=dict(params or {}),
        status=QUEUED,
        actor=(principal.login if principal is not None else "system (cli)")[:260],
        actor_user_id=principal.id if principal is not None else None,
    )
    session.add(task)
    session.flush()
    enqueue_after_commit(RUN_JOB)
    return task


def task_url(task: BackgroundTask) -> str:
    """The page that shows the task's progress and result."""
    return url_for("admin.task", task_id=task.id)


def _claim(task_id: int, now: datetime) -> bool:
    """Mark the task running (committed, so its page shows it); False when another consumer has it."""
    taken = session.execute(
        update(BackgroundTask)
        .where(
            BackgroundTask.id == task_id,
            or_(
                BackgroundTask.status == QUEUED,
                (BackgroundTask.status == RUNNING) & (BackgroundTask.heartbeat_at < now - STALE_AFTER),
            ),
        )
        .values(status=RUNNING, started_at=now, heartbeat_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    return taken == 1


def run_task(task_id: int, now: datetime) -> str:
    """Run one task of the current tenant if it is still waiting; returns its status afterwards."""
    if not _claim(task_id, now):
        return "skipped"
    task = session.get(BackgroundTask, task_id)
    assert task is not None
    session.refresh(task)
    try:
        action = _available(task.action)
        figures = action.run(dict(task.params or {}), Progress(task))
        task.status, task.finished_at, task.figures = DONE, utcnow(), figures or {}
        if task.total is not None:
            task.done = task.total
        session.commit()
        return DONE
    except Exception as error:
        session.rollback()
        log.exception("background task %s (%s) failed", task_id, task.action)
        session.execute(
            update(BackgroundTask)
            .where(BackgroundTask.id == task_id)
            .values(status=FAILED, finished_at=utcnow(), error=f"{type(error).__name__}: {error}"[:2000])
            .execution_options(synchronize_session=False)
        )
        session.commit()
        return FAILED


def run_waiting(now: datetime, limit: int = 20) -> dict[str, int]:
    """The job: run the waiting tasks of every tenant, oldest first, each in its tenant's scope."""
    counts = {DONE: 0, FAILED: 0, "skipped": 0}
    with cross_tenant():
        waiting = session.execute(
            select(BackgroundTask.id, BackgroundTask.tenant_id)
            .where(
                or_(
                    BackgroundTask.status == QUEUED,
                    (BackgroundTask.status == RUNNING) & (BackgroundTask.heartbeat_at < now - STALE_AFTER),
                )
            )
            .order_by(BackgroundTask.id)
            .limit(limit)
        ).all()
        session.commit()
    for task_id, tenant_id in waiting:
        with tenant_scope(tenant_id):
            counts[run_task(task_id, now)] += 1
    return counts


def recent_tasks(codes: Iterable[str], limit: int = 50) -> list[BackgroundTask]:
    """The current tenant's latest tasks of the given actions, newest first."""
    return list(
        session.scalars(
            select(BackgroundTask)
            .where(BackgroundTask.action.in_(list(codes)))
            .order_by(BackgroundTask.id.desc())
            .limit(limit)
        )
    )
