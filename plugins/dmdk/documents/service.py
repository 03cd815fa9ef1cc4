"""An organization's documents: upload (checked by content), edit, delete — refused while a lock holds the document
(see :mod:`plugins.dmdk.documents.locks`) — and who may read their files.

The file is kept in core's storage under the owner ``dmdk_document``: the holders of ``dmdk.applications.work`` in
the document's organization and the registry operator may download it; anyone else gets 404.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.api import (
    N_,
    Refusal,
    Refused,
    StoredFile,
    UploadRejected,
    User,
    audit,
    check_upload,
    current_tenant,
    enabled_plugins,
    has_permission,
    register_file_owner,
    session,
    store_file,
)
from plugins.dmdk.documents.locks import lock_of
from plugins.dmdk.documents.models import Document
from plugins.dmdk.documents.types import TYPE_TITLES
from plugins.dmdk.employees.roles import OPERATE_REGISTRY, WORK_APPLICATIONS

OWNER = "dmdk_document"
ACCEPTED = frozenset({"application/pdf", "image/jpeg", "image/png"})
#: Why an upload is refused (a msgid): core's check says too big, empty or not one of the accepted kinds.
NOT_ACCEPTED = N_("Only a PDF, JPEG or PNG file of at most 10 MB is accepted: the file's content is checked.")
#: Days before the expiry date from which a document is "expiring" (and its holders are reminded).
EXPIRING_DAYS = 30

VALID = "valid"
EXPIRING = "expiring"
EXPIRED = "expired"
STATE_TITLES = {VALID: N_("In force"), EXPIRING: N_("Expires soon"), EXPIRED: N_("Validity ended")}


def documents_of(organization_id: int) -> list[Document]:
    """The organization's documents, newest first."""
    return list(
        session.scalars(
            select(Document).where(Document.organization_id == organization_id).order_by(Document.id.desc())
        )
    )


def state_of(document: Document, today: date) -> str:
    """:data:`VALID`, :data:`EXPIRING` (within :data:`EXPIRING_DAYS` of the expiry date) or :data:`EXPIRED`
    (the expiry date is the last day it is valid)."""
    if document.expires_on < today:
        return EXPIRED
    if document.expires_on <= today + timedelta(days=EXPIRING_DAYS):
        return EXPIRING
    return VALID


def check_file(filename: str, data: bytes):
    """The upload when its content is a PDF, JPEG or PNG (whatever its name says); :class:`UploadRejected` with
    :data:`NOT_ACCEPTED` otherwise."""
    try:
        return check_upload(filename, data, ACCEPTED)
    except UploadRejected as rejected:
        raise UploadRejected(NOT_ACCEPTED) from rejected


def _facts(document: Document) -> dict[str, Any]:
    return {
        "type": document.type_code,
        "number": document.number,
        "issued_on": document.issued_on.isoformat(),
        "expires_on": document.expires_on.isoformat(),
        "file_id": document.file_id,
    }


def add(organization_id: int, values: dict[str, Any], filename: str, data: bytes, user: User) -> Document:
    """Store the file and the document's details (``type``, ``number``, ``issued_on``, ``expires_on``); raises
    :class:`UploadRejected` and stores nothing when the file is refused. The caller commits."""
    upload = check_file(filename, data)
    document = Document(
        organization_id=organization_id,
        type_code=values["type"],
        number=values["number"],
        issued_on=values["issued_on"],
        expires_on=values["expires_on"],
        uploaded_by=user.id,
    )
    session.add(document)
    session.flush()
    stored = store_file(upload, OWNER, document.id, user.id)
    session.flush()
    document.file_id = stored.id
    audit("dmdk.document.add", "dmdk_document", document.id, None, _facts(document))
    return document


def refuse_if_locked(document: Document) -> None:
    """Raise :class:`Refused` (code ``locked``, the lock's reason) when something holds the document."""
    lock = lock_of(document.id)
    if lock is not None:
        raise Refused([Refusal("locked", lock.reason)])


def change(document: Document, values: dict[str, Any], user: User, filename: str = "", data: bytes = b"") -> Document:
    """Change the details (and, given ``data``, the file) of an unlocked document; raises :class:`Refused` when it is
    locked, :class:`UploadRejected` when the new file is refused. The caller commits."""
    refuse_if_locked(document)
    upload = check_file(filename, data) if data else None
    before = _facts(document)
    document.type_code = values["type"]
    document.number = values["number"]
    document.issued_on = values["issued_on"]
    document.expires_on = values["expires_on"]
    if upload is not None:
        previous = session.get(StoredFile, document.file_id) if document.file_id else None
        stored = store_file(upload, OWNER, document.id, user.id)
        session.flush()
        document.file_id = stored.id
        if previous is not None:
            session.flush()
            session.delete(previous)
    session.flush()
    audit("dmdk.document.change", "dmdk_document", document.id, before, _facts(document))
    return document


def remove(document: Document) -> None:
    """Delete an unlocked document and its file; raises :class:`Refused` when it is locked. The caller commits."""
    refuse_if_locked(document)
    stored = session.get(StoredFile, document.file_id) if document.file_id else None
    document_id, before = document.id, _facts(document)
    session.delete(document)
    session.flush()
    if stored is not None:
        session.delete(stored)
    audit("dmdk.document.delete", "dmdk_document", document_id, before, None)


def type_title(code: str) -> Any:
    """The type's title (a lazy translation); an unknown code is shown as "Other document"."""
    return _l(TYPE_TITLES.get(code, TYPE_TITLES["other"]))


def may_read(user: User, document_id: int) -> bool:
    """Whether ``user`` may download the file of document ``document_id`` (core's file download asks)."""
    if "dmdk" not in enabled_plugins(current_tenant()):
        return False
    document = session.scalar(select(Document).where(Document.id == document_id))
    if document is None:
        return False
    return has_permission(user, OPERATE_REGISTRY) or has_permission(user, WORK_APPLICATIONS, document.organization_id)


register_file_owner(OWNER, may_read)
