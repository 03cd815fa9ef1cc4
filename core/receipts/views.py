"""Rendering receipts: HTML for the browser, PDF for download, QR images. Functions, not routes.

All of them need an app context (templates come from the app's Jinja environment). The same
template, ``receipts/receipt.html``, is inside every output:

* ``render_receipt_html(receipt)`` — a page of its own for printing (``receipts/print.html``), or with
  ``in_shell=True`` inside the cabinet's layout (``receipts/page.html`` extends ``base.html``; needs a
  request on the tenant's site).
* ``render_receipt_pdf(receipt)`` — ``receipts/pdf.html`` through xhtml2pdf.

The site's Content-Security-Policy (``style-src 'self'``) ignores inline ``<style>``: a route that
serves the HTML should serve :func:`receipt_css` at a URL of its own (as ``web.theme_css`` does for
the theme) and pass that URL as ``css_url``. Without ``css_url`` the styles are inlined, which is
what a saved or mailed page needs.
"""

from __future__ import annotations

import base64
from typing import Any

from flask import current_app, render_template
from markupsafe import Markup

from core.receipts.format import format_date, format_rub
from core.receipts.model import Receipt
from core.receipts.pdf import fonts, html_to_pdf
from core.receipts.qr import qr_png, qr_svg

__all__ = ["qr_image", "qr_png", "qr_svg", "receipt_css", "render_receipt_html", "render_receipt_pdf"]

# A receipt's payload (UTF-8 Cyrillic, ~400 bytes) makes a QR code of version ~18: 89 modules plus the
# quiet zone. At 50 mm a module is ~0.5 mm, which phone cameras read from paper.
QR_PRINT_SIZE = "50mm"


def _context(receipt: Receipt, qr: Markup | None, **extra: Any) -> dict[str, Any]:
    return {"r": receipt, "qr": qr, "rub": format_rub, "day": format_date, **extra}


def _render(name: str, **context: Any) -> str:
    """Render one of our templates without the layout's context processors (no request needed)."""
    return current_app.jinja_env.get_template(name).render(**context)


def render_receipt_html(
    receipt: Receipt,
    *,
    in_shell: bool = False,
    css_url: str | None = None,
    pdf_url: str | None = None,
    periods: list[tuple[str, str]] | None = None,
) -> str:
    """The receipt as HTML with the QR code as inline SVG (or the reason there is none).

    ``periods`` (``[("2026-11", "ноябрь 2026"), …]``) fills the month selector above the receipt.
    """
    qr = qr_svg(receipt.qr_payload) if receipt.qr_payload else None
    context = _context(receipt, qr, css_url=css_url, pdf_url=pdf_url, periods=periods)
    if in_shell:
        return render_template("receipts/page.html", **context)
    return _render("receipts/print.html", **context)


def qr_image(payload: str) -> Markup:
    """The code as an ``<img>`` with a PNG ``data:`` URI, 50 mm wide: how a PDF (xhtml2pdf) shows it."""
    data = base64.b64encode(qr_png(payload)).decode("ascii")
    return Markup(
        f'<img src="data:image/png;base64,{data}" style="width: {QR_PRINT_SIZE}; height: {QR_PRINT_SIZE}" '
        'alt="QR-код для оплаты">'
    )


def render_receipt_html_for_pdf(receipt: Receipt) -> str:
    """The XHTML document the PDF is made from (the QR code as a PNG ``data:`` image)."""
    qr = qr_image(receipt.qr_payload) if receipt.qr_payload else None
    return _render("receipts/pdf.html", **_context(receipt, qr, fonts=fonts()))


def render_receipt_pdf(receipt: Receipt) -> bytes:
    """The receipt as an A4 PDF with PT Sans embedded."""
    return html_to_pdf(render_receipt_html_for_pdf(receipt))


def receipt_css() -> str:
    """The receipt's stylesheet for the browser (serve it as ``text/css`` and pass its URL as ``css_url``)."""
    return _render("receipts/receipt.css") + "\n" + _render("receipts/screen.css")
