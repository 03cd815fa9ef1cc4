"""``GET /files/<id>``: a stored file, only for those allowed to see what it is attached to."""

from __future__ import annotations

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
    response = Response(storage().read(stored.storage_key), mimetype=stored.mime)
    disposition = "inline" if stored.mime.startswith("image/") or stored.mime == "application/pdf" else "attachment"
    response.headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{_quote(stored.filename)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")
