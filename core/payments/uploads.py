"""Registry files uploaded on the admin page, imported by the job worker so a big file never holds a web request.

The page only stores the file (:func:`queue_upload`) and shows its :class:`~core.payments.models.RegistryUpload`;
the job :func:`import_queued` takes each queued upload and runs :func:`~core.payments.registry.import_registry` on it:
the same checks, reports and duplicate rules as an import from the command line. A file with any problem posts
nothing; a good one is staged, then posted in short transactions of a chunk each. A worker stopped halfway leaves
the upload running; after :data:`STALE_AFTER` it is taken again and the import resumes where it stopped (a payment
is never posted twice).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext
from sqlalchemy import func, or_, select, update

from core.db import cross_tenant, session, tenant_scope, utcnow
from core.jobs.queue import enqueue_after_commit
from core.payments.models import (
    DONE,
    FAILED,
    IMPORT_POSTING,
    QUEUED,
    RUNNING,
    RegistryImport,
    RegistryImportLine,
    RegistryUpload,
)
from core.payments.registry import SETTINGS, Problem, RegistryError, import_registry, parse_registry
from core.settings.service import get_settings

log = logging.getLogger(__name__)

#: The largest registry the page accepts (more than the app's usual request limit: a year of a city's payments).
MAX_UPLOAD_BYTES = 200 * 1024 * 1024

#: An upload still "running" after this long belongs to a worker that stopped (its transaction rolled back).
STALE_AFTER = timedelta(hours=1)


def _(message: str) -> str:
    """Mark ``message`` for the catalogue; pages translate it where they show it."""
    return message


_STATUS_LABELS = {
    QUEUED: _("Waiting for import"),
    RUNNING: _("Being imported"),
    DONE: _("Imported"),
    FAILED: _("Not imported"),
}


def upload_status(upload: RegistryUpload) -> str:
    """The upload's status in the reader's language."""
    return gettext(_STATUS_LABELS.get(upload.status, upload.status))


#: The job that imports waiting uploads (registered in :mod:`core.payments.hooks`).
IMPORT_JOB_NAME = "core.payments.registry_uploads"


def queue_upload(data: bytes, filename: str, actor: str) -> RegistryUpload:
    """Store an uploaded registry for the job worker, in the current tenant (the caller commits)."""
    upload = RegistryUpload(
        filename=filename[:260],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        data=data,
        actor=actor[:260],
        status=QUEUED,
        uploaded_at=utcnow(),
        problems=[],
    )
    session.add(upload)
    session.flush()
    enqueue_after_commit(IMPORT_JOB_NAME)  # a consumer starts the import as soon as the upload is committed
    return upload


def problems_of(upload: RegistryUpload) -> list[Problem]:
    """A failed upload's report: its problems, by line."""
    return [Problem(p["line"], p["message"], p.get("params", {})) for p in upload.problems or []]


def _claim(upload_id: int, now: datetime) -> bool:
    """Mark the upload running (committed, so the page shows it); False when another worker took it."""
    taken = session.execute(
        update(RegistryUpload)
        .where(
            RegistryUpload.id == upload_id,
            or_(
                RegistryUpload.status == QUEUED,
                (RegistryUpload.status == RUNNING) & (RegistryUpload.started_at < now - STALE_AFTER),
            ),
        )
        .values(status=RUNNING, started_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    return taken == 1


def _finish(upload_id: int, status: str, **values: Any) -> None:
    session.execute(
        update(RegistryUpload)
        .where(RegistryUpload.id == upload_id)
        .values(status=status, finished_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def run_upload(upload_id: int, now: datetime) -> str:
    """Import one upload of the current tenant (if it is still waiting); returns its status afterwards.

    A refused file posts nothing and the upload becomes ``failed`` with every problem by line. A good file is
    posted chunk by chunk (each committed); the upload is ``done`` once the whole import is.
    """
    if not _claim(upload_id, now):
        return "skipped"
    upload = session.get(RegistryUpload, upload_id)
    assert upload is not None
    try:
        data = upload.data or b""
        parsed = parse_registry(data, get_settings(SETTINGS))
        if parsed.problems:
            raise RegistryError(parsed.problems)
        upload.checked_lines, upload.checked_total = len(parsed.lines), parsed.total
        session.commit()  # the page shows the file checked and its payments being posted
        imported = import_registry(data, upload.filename, upload.actor, parsed=parsed)
        upload.status, upload.finished_at = DONE, utcnow()
        upload.registry_import_id, upload.data = imported.id, None
        session.commit()
        return DONE
    except RegistryError as refused:
        session.rollback()
        report = [{"line": p.line, "message": p.message, "params": p.params} for p in refused.problems]
        _finish(upload_id, FAILED, problems=report)
        return FAILED
    except Exception:
        session.rollback()
        log.exception("registry upload %s failed", upload_id)
        _finish(upload_id, FAILED, problems=[_stopped(upload_id)])
        return FAILED


def _stopped(upload_id: int) -> dict[str, Any]:
    """The report of an upload whose import failed: nothing posted, or how far its chunks got (resumable)."""
    sha256 = session.scalar(select(RegistryUpload.sha256).where(RegistryUpload.id == upload_id))
    unfinished = session.scalar(
        select(RegistryImport)
        .where(RegistryImport.sha256 == sha256, RegistryImport.status == IMPORT_POSTING)
        .order_by(RegistryImport.id.desc())
        .limit(1)
    )
    if unfinished is None or unfinished.posted_lines == 0:
        session.rollback()
        return {"line": 0, "message": _("the import failed unexpectedly; nothing was posted"), "params": {}}
    return {
        "line": 0,
        "message": _(
            "the import stopped after %(posted)s of %(count)s new payments; upload the same file again to post the rest"
        ),
        "params": {"posted": unfinished.posted_lines, "count": _staged(unfinished.id)},
    }


def _staged(import_id: int) -> int:
    count = session.scalar(
        select(func.count()).select_from(RegistryImportLine).where(RegistryImportLine.registry_import_id == import_id)
    )
    session.rollback()
    return count or 0


def import_queued(now: datetime, limit: int = 20) -> dict[str, int]:
    """The job: import the queued registry uploads of every tenant, oldest first, each in its own transaction."""
    counts = {DONE: 0, FAILED: 0, "skipped": 0}
    with cross_tenant():
        waiting = session.execute(
            select(RegistryUpload.id, RegistryUpload.tenant_id)
            .where(
                or_(
                    RegistryUpload.status == QUEUED,
                    (RegistryUpload.status == RUNNING) & (RegistryUpload.started_at < now - STALE_AFTER),
                )
            )
            .order_by(RegistryUpload.id)
            .limit(limit)
        ).all()
        session.commit()
    for upload_id, tenant_id in waiting:
        with tenant_scope(tenant_id):
            counts[run_upload(upload_id, now)] += 1
    return counts
