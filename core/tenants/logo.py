"""A tenant's logo: a raster image (PNG, JPEG, WebP or GIF) judged by its content, never by its name.

No SVG: an SVG is a document that can carry scripts and event handlers. The admin's upload and the
tenant files both go through :func:`logo_type`.
"""

from __future__ import annotations

LOGO_MAX_BYTES = 512 * 1024
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def logo_type(data: bytes) -> str | None:
    """The logo's media type judged by its first bytes, or ``None`` if it is not an allowed image."""
    for signature, mime in _SIGNATURES:
        if data.startswith(signature):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None
