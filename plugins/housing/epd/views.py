"""The resident's ЕПД pages: ``housing.epd`` (the current account's, ``/housing/epd?period=YYYY-MM``),
``housing.epd_of`` (one of the resident's accounts by id) and its PDF, ``housing.epd_pdf``.

The page is in the resident's language; the PDF is a Russian payment document whatever the language (like
core's receipts). Another resident's account, or another tenant's, answers 404; so does a month without an ЕПД.
"""

from __future__ import annotations

import re
from datetime import date

from flask import Response, abort, render_template, request, url_for
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from core.api import (
    PersonalAccount,
    account_or_404,
    current_account,
    current_tenant,
    format_money,
    html_to_pdf,
    my_accounts,
    pdf_fonts,
    qr_image,
    qr_svg,
    require,
)
from plugins.housing.common.blueprints import web
from plugins.housing.common.numbers import decimal_comma, unit_price
from plugins.housing.epd.service import Epd, build_epd, default_period, periods
from plugins.housing.stock.flats import flat_of

PERMISSION = "housing.bills.view"
PDF_LOCALE = "ru"
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def month_name(period: date) -> str:
    """``date(2026, 11, 1)`` → ``"ноябрь 2026"`` (``"November 2026"``) in the page's language, for sentences."""
    return format_date(period, "LLLL y")


def month_title(period: date) -> str:
    """``date(2026, 11, 1)`` → ``"Ноябрь 2026"`` (``"November 2026"``), for the month selector."""
    return month_name(period).capitalize()


def _period(account: PersonalAccount, today: date) -> date:
    """The month asked for (``?period=YYYY-MM``), one of the account's months, else 404."""
    text = request.args.get("period", "")
    if not text:
        return default_period(account, today)
    match = MONTH.match(text)
    if match is None:
        abort(404)
    period = date(int(match[1]), int(match[2]), 1)
    if period not in periods(account, today):
        abort(404)
    return period


def _epd(account: PersonalAccount) -> Epd | None:
    tenant = current_tenant()
    today = tenant.today()
    if flat_of(account) is None:
        return None
    return build_epd(tenant, account, _period(account, today), today)


def _context(epd: Epd, qr) -> dict:
    return {"e": epd, "qr": qr, "money": format_money, "number": decimal_comma, "price": unit_price}


def _page(account: PersonalAccount | None):
    epd = _epd(account) if account is not None else None
    if epd is None:
        return render_template("housing/epd/no_flat.html")
    today = current_tenant().today()
    flats = [(other, flat_of(other)) for other in my_accounts()]
    return render_template(
        "housing/epd/page.html",
        **_context(epd, qr_svg(epd.qr_payload, title=_("Payment QR code")) if epd.qr_payload else None),
        periods=[(f"{p:%Y-%m}", month_title(p)) for p in periods(epd.account, today)],
        month=month_name(epd.period),
        flats=[(other, flat) for other, flat in flats if flat is not None],
    )


@web.get("/epd")
@require(PERMISSION)
def epd():
    """The ЕПД of the current account for a month (the last one accrued by default), with a month selector."""
    return _page(current_account())


@web.get("/epd/<int:account_id>")
@require(PERMISSION)
def epd_of(account_id: int):
    """The ЕПД of one of the resident's accounts; another's answers 404."""
    account = account_or_404(account_id)
    if flat_of(account) is None:
        abort(404)
    return _page(account)


@web.get("/epd/<int:account_id>.pdf")
@require(PERMISSION)
def epd_pdf(account_id: int):
    """The ЕПД as an A4 PDF (Russian, PT Sans embedded, the payment QR)."""
    account = account_or_404(account_id)
    epd = _epd(account)
    if epd is None:
        abort(404)
    return Response(
        render_pdf(epd),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="epd-{account.number}-{epd.period_key}.pdf"'},
    )


@web.get("/epd.css")
@require(PERMISSION)
def epd_css():
    """The ЕПД's stylesheet for the browser (the site's CSP ignores inline styles)."""
    css = render_template("housing/epd/epd.css") + "\n" + render_template("housing/epd/screen.css")
    response = Response(css, mimetype="text/css")
    response.cache_control.max_age = 3600
    return response


def render_pdf(epd: Epd) -> bytes:
    """The ЕПД as an A4 PDF: Russian whatever the page's language."""
    with force_locale(PDF_LOCALE):
        html = render_template(
            "housing/epd/pdf.html",
            **_context(epd, qr_image(epd.qr_payload) if epd.qr_payload else None),
            month=month_name(epd.period),
            fonts=pdf_fonts(),
        )
    return html_to_pdf(html)


def pdf_url(epd: Epd) -> str:
    return url_for("housing.epd_pdf", account_id=epd.account.id, period=epd.period_key)
