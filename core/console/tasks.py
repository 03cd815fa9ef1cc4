"""The operators' background tasks: each long action's progress while it runs and its result when it ends.

The page refreshes itself every few seconds while the task waits or runs (a ``Refresh`` header: no JavaScript).
"""

from __future__ import annotations

from flask import abort, render_template
from flask_babel import gettext

from core.access.guard import can, require
from core.console.blueprint import blueprint
from core.db.queries import get_or_404
from core.i18n import N_
from core.jobs.background import EXTENSION, action_of, recent_tasks
from core.jobs.models import DONE, FAILED, QUEUED, RUNNING, BackgroundTask

REFRESH_SECONDS = 3

_STATUS = {
    QUEUED: N_("Waiting for a worker"),
    RUNNING: N_("Running"),
    DONE: N_("Done"),
    FAILED: N_("Failed; the unfinished part was rolled back"),
}


def task_status(task: BackgroundTask) -> str:
    """The task's state in the reader's language."""
    return gettext(_STATUS.get(task.status, task.status))


def task_title(task: BackgroundTask) -> str:
    action = action_of(task)
    return gettext(action.title) if action is not None else task.action


def task_result(task: BackgroundTask) -> str:
    """The action's own sentence about its figures (empty before it ends or when it has none)."""
    action = action_of(task)
    if task.status != DONE or action is None or action.describe is None:
        return ""
    return action.describe(task.figures or {})


def _visible_codes() -> list[str]:
    from flask import current_app

    return [code for code, found in current_app.extensions[EXTENSION].items() if can(found.value.permission)]


@blueprint.get("/tasks")
@require("console.view")
def tasks():
    return render_template(
        "admin/tasks.html", tasks=recent_tasks(_visible_codes()), task_title=task_title, task_status=task_status
    )


@blueprint.get("/tasks/<int:task_id>")
@require("console.view")
def task(task_id: int):
    found = get_or_404(BackgroundTask, task_id)
    action = action_of(found)
    if action is None or not can(action.permission):
        abort(404)
    page = render_template(
        "admin/task.html",
        task=found,
        title=task_title(found),
        status=task_status(found),
        result=task_result(found),
        waiting=found.status in (QUEUED, RUNNING),
    )
    headers = {"Refresh": str(REFRESH_SECONDS)} if found.status in (QUEUED, RUNNING) else {}
    return page, 200, headers
