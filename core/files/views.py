"""``GET /files/<id>``: a stored file, only for those allowed to see what it is attached to."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort

from core.access.guard import current_principal, require
from core.db.queries import get_or_404
from core.files.access import may_download
from core.files.models import StoredFile
from core.files.storage import storage

blueprint = Blueprint("files", __name__, url_prefix="/files")


@blueprint.get("/<int:file_id>")
@require()
def download(file_id: int):
    stored = get_or_404(StoredFile, file_id)
    if not may_download(current_principal(), stored.owner_type, stored.owner_id):
        abort(404)  # not 403: do not confirm that the file exists
    return file_response(stored)


def file_response(stored: StoredFile, *, inline: bool | None = None) -> Response:
    """The stored file as an HTTP answer, for a page or an API endpoint that has checked who may see it.

    Shown in the browser (``inline``) when it is an image or a PDF unless ``inline`` says otherwise, else
    downloaded; never sniffed into another type, never cached by a shared cache. The name is sent as
    RFC 5987 UTF-8 (Cyrillic names survive)::

        return file_response(session.get(StoredFile, document.file_id))
    """
    if inline is None:
        inline = stored.mime.startswith("image/") or stored.mime == "application/pdf"
    response = Response(storage().read(stored.storage_key), mimetype=stored.mime)
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(stored.filename, safe='')}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
