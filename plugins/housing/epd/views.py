"""The resident's ЕПД pages: ``housing.epd`` (the current account's, ``/housing/epd?period=YYYY-MM``),
``housing.epd_of`` (one of the resident's accounts by id) and its PDF, ``housing.epd_pdf``.

The page is in the resident's language; the PDF is a Russian payment document whatever the language (like
core's receipts). Another resident's account, or another tenant's, answers 404; so does a month without an ЕПД.
"""

from __future__ import annotations

import re
from datetime import date

from flask import Response, abort, render_template, request

from core.api import PersonalAccount, account_or_404, current_account, current_tenant, my_accounts, require
from plugins.housing.common import clock
from plugins.housing.common.blueprints import web
from plugins.housing.epd.render import month_title, pdf_filename, render_page, render_pdf, stylesheet
from plugins.housing.epd.service import Epd, build_epd, default_period, periods
from plugins.housing.stock.flats import flat_of

PERMISSION = "housing.bills.view"
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


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
    if flat_of(account) is None:
        return None
    tenant = current_tenant()
    today = clock.today()
    return build_epd(tenant, account, _period(account, today), today)


def _page(account: PersonalAccount | None):
    epd = _epd(account) if account is not None else None
    if epd is None:
        return render_template("housing/epd/no_flat.html")
    today = clock.today()
    flats = [(other, flat_of(other)) for other in my_accounts()]
    return render_page(
        epd,
        periods=[(f"{p:%Y-%m}", month_title(p)) for p in periods(epd.account, today)],
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
    epd = _epd(account_or_404(account_id))
    if epd is None:
        abort(404)
    return Response(
        render_pdf(epd),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{pdf_filename(epd)}"'},
    )


@web.get("/epd.css")
@require(PERMISSION)
def epd_css():
    """The ЕПД's stylesheet for the browser (the site's CSP ignores inline styles)."""
    response = Response(stylesheet(), mimetype="text/css")
    response.cache_control.max_age = 3600
    return response
