"""HTML → PDF for receipts: xhtml2pdf (on reportlab), with PT Sans embedded for Cyrillic.

PT Sans (ParaType, SIL Open Font License 1.1) comes from the ``fontpkg-pt-sans`` package on PyPI,
so ``pip install`` is all a machine needs. reportlab embeds the subset of the glyphs used, with a
ToUnicode map, so the PDF's text can be searched and copied.

The renderer may read only the font files and ``data:`` URIs (the QR code): no network and no
other local file, whatever text ends up in the document.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

log = logging.getLogger(__name__)

FONT_FAMILY = "PT Sans"


class PdfError(RuntimeError):
    """xhtml2pdf could not render the document."""


@dataclass(frozen=True)
class Fonts:
    """The TTF files of the receipt's font family (as paths xhtml2pdf's ``@font-face`` can read)."""

    family: str
    regular: Path
    bold: Path

    @property
    def folder(self) -> Path:
        return self.regular.parent


@cache
def fonts() -> Fonts:
    """The PT Sans files every PDF is drawn with (Cyrillic included); ``PdfError`` when they are missing."""
    import fontpkg_pt_sans

    folder = Path(fontpkg_pt_sans.ROOT) / "files"
    found = Fonts(FONT_FAMILY, folder / "PT_Sans-Web-Regular.ttf", folder / "PT_Sans-Web-Bold.ttf")
    for path in (found.regular, found.bold):
        if not path.is_file():
            raise PdfError(f"font file {path} is missing; reinstall the fontpkg-pt-sans package")
    return found


def _policy() -> ResourceAccessPolicy:
    return ResourceAccessPolicy.server(fonts().folder, allow_remote=False, max_render_seconds=60)


def html_to_pdf(html: str) -> bytes:
    """Render a complete XHTML document (``receipts/pdf.html``) to PDF bytes."""
    output = io.BytesIO()
    status = pisa.CreatePDF(src=html, dest=output, encoding="utf-8", resource_policy=_policy())
    if status.err:
        raise PdfError(f"xhtml2pdf reported {status.err} error(s)")
    return output.getvalue()
