"""Words for the status codes stored in the database, translated where they are shown."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "active": _l("active"),
    "blocked": _l("blocked"),
    "deleted": _l("deleted"),
    "suspended": _l("suspended"),
    "queued": _l("waiting to be sent"),
    "sent": _l("sent"),
    "failed": _l("not delivered"),
    "kept": _l("kept (no mail server)"),
}


def status_label(code: str) -> str:
    """The translated word for a status code (the code itself if unknown)."""
    label = STATUS_LABELS.get(code)
    return str(label) if label is not None else code
