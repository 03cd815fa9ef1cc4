"""What the self-check page accepts: a pasted certificate (or an uploaded file's text) and an optional INN."""

from __future__ import annotations

import base64

from marshmallow import fields, validate
from werkzeug.datastructures import FileStorage, MultiDict

from core.api import N_
from plugins.dmdk.certlogin.forms import OrganizationForm

MAX_UPLOAD = 64 * 1024


class SelfCheckForm(OrganizationForm):
    """The certificate as PEM text; the INN of the organization it should belong to, if any."""

    certificate = fields.String(
        required=True,
        validate=validate.Length(max=MAX_UPLOAD * 2),
        error_messages={"required": N_("Paste the certificate or choose its file.")},
    )


def with_upload(formdata: MultiDict, upload: FileStorage | None) -> MultiDict:
    """``formdata`` with an uploaded certificate file (PEM, or DER turned into base64) as the ``certificate`` text."""
    if upload is None or not upload.filename:
        return formdata
    content = upload.stream.read(MAX_UPLOAD + 1)[:MAX_UPLOAD]
    pem = content.lstrip().startswith(b"-----BEGIN")
    text = content.decode("ascii", "replace") if pem else base64.b64encode(content).decode()
    merged = formdata.copy()
    merged["certificate"] = text
    return merged
