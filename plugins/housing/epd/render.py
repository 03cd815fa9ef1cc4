"""Rendering an ЕПД: the HTML for a page (in the reader's language) and the A4 PDF (Russian whatever the language,
like core's receipts), through core's receipt machinery (``qr_svg``, ``qr_image``, ``pdf_fonts``, ``html_to_pdf``).

Needs an app context; the page needs a request on the tenant's site (it extends ``base.html``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import render_template
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from core.api import format_money, html_to_pdf, pdf_fonts, qr_image, qr_svg
from plugins.housing.common.numbers import decimal_comma, unit_price
from plugins.housing.epd.service import Epd

PDF_LOCALE = "ru"


def month_name(period: date) -> str:
    """``date(2026, 11, 1)`` → ``"ноябрь 2026"`` (``"November 2026"``) in the current language, for sentences."""
    return format_date(period, "LLLL y")


def month_title(period: date) -> str:
    """``date(2026, 11, 1)`` → ``"Ноябрь 2026"`` (``"November 2026"``), for the month selector."""
    return month_name(period).capitalize()


def _context(epd: Epd, qr: Any) -> dict[str, Any]:
    return {
        "e": epd,
        "qr": qr,
        "month": month_name(epd.period),
        "money": format_money,
        "number": decimal_comma,
        "price": unit_price,
    }


def render_page(epd: Epd, **extra: Any) -> str:
    """The ЕПД inside the cabinet's layout (``housing/epd/page.html``); ``extra`` fills the page's controls."""
    qr = qr_svg(epd.qr_payload, title=_("Payment QR code")) if epd.qr_payload else None
    return render_template("housing/epd/page.html", **_context(epd, qr), **extra)


def render_pdf(epd: Epd) -> bytes:
    """The ЕПД as an A4 PDF with PT Sans embedded and the payment QR as an image: Russian whatever the page's
    language."""
    with force_locale(PDF_LOCALE):
        qr = qr_image(epd.qr_payload) if epd.qr_payload else None
        html = render_template("housing/epd/pdf.html", **_context(epd, qr), fonts=pdf_fonts())
    return html_to_pdf(html)


def pdf_filename(epd: Epd) -> str:
    return f"epd-{epd.account.number}-{epd.period_key}.pdf"


def stylesheet() -> str:
    """The ЕПД's stylesheet for the browser (shared rules, then the screen's)."""
    return render_template("housing/epd/epd.css") + "\n" + render_template("housing/epd/screen.css")
