"""A legal entity's monthly documents: the invoice (счёт на оплату) and the act (акт оказанных услуг).

* The **invoice** for a month lists what the month's services cost (monthly fees prorated by the
  days each service runs in the month; bundled packages are in their tariff's price) and the one-time
  services ordered in it: what to pay for the month.
* The **act** for a month lists what was really charged in it (the ledger's charges by service, net
  of reversals — the same figures as the month's receipt); it exists once the month is over.

Both are Russian documents whatever the cabinet's language, rendered to PDF the way receipts are
(``core.api.html_to_pdf`` with PT Sans embedded). Numbers are ``<contract>-<YYYYMM>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import render_template
from flask_babel import format_date
from sqlalchemy import select

from core.api import (
    Receipt,
    Tenant,
    build_receipt,
    format_rub,
    html_to_pdf,
    pdf_fonts,
    plugin_settings,
    session,
)
from plugins.isp.common.calendar import prorated, tenant_today, tenant_zone
from plugins.isp.documents.words import rubles_in_words
from plugins.isp.models import CANCELLED, Contract, OneTimeOrder

INVOICE = "invoice"
ACT = "act"
KINDS = (INVOICE, ACT)
MONTHS_SHOWN = 12


class DocumentError(ValueError):
    """The document does not exist (not a legal entity, a month before the contract, an act of a month not over)."""


@dataclass(frozen=True)
class Line:
    """One row: what, how many days of the month (or one piece), how much (kopecks, VAT included)."""

    title: str
    quantity: str
    amount: int


@dataclass(frozen=True)
class LegalDocument:
    """Everything printed on an invoice or an act."""

    kind: str
    number: str
    issued_on: date
    period: str
    first_day: date
    last_day: date
    contract: Contract
    receipt: Receipt  # provider, bank and payer details, as on the receipt
    lines: tuple[Line, ...]
    total: int
    vat_percent: int

    @property
    def vat(self) -> int:
        """The VAT included in the total (kopecks, rounded half up)."""
        if not self.vat_percent:
            return 0
        return (self.total * self.vat_percent * 2 + (100 + self.vat_percent)) // (2 * (100 + self.vat_percent))

    @property
    def total_in_words(self) -> str:
        return rubles_in_words(self.total)


def _period_days(period: str) -> tuple[date, date]:
    year, month = (int(part) for part in period.split("-"))
    first = date(year, month, 1)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return first, last


def periods(tenant: Tenant, contract: Contract) -> list[str]:
    """The months with documents, newest first: from the contract's first month to the current one (at most 12)."""
    today = tenant_today(tenant)
    start = contract.signed_on.replace(day=1)
    month = today.replace(day=1)
    found = []
    while month >= start and len(found) < MONTHS_SHOWN:
        found.append(f"{month:%Y-%m}")
        month = (month - timedelta(days=1)).replace(day=1)
    return found


def month_title(period: str) -> str:
    """``"2026-11"`` → ``"ноябрь 2026"`` (``"November 2026"`` in English), for the list of months."""
    return format_date(_period_days(period)[0], "LLLL yyyy").capitalize()


def act_ready(tenant: Tenant, period: str) -> bool:
    """An act exists once its month is over."""
    return _period_days(period)[1] < tenant_today(tenant)


def _invoice_lines(tenant: Tenant, contract: Contract, first: date, last: date) -> list[Line]:
    lines = []
    for sub in contract.subscriptions:
        if sub.bundled_with_id is not None or sub.product.monthly_fee <= 0:
            continue
        start = max(first, sub.starts_on)
        end = min(last, sub.ends_on) if sub.ends_on else last
        if start > end:
            continue
        amount = prorated(sub.product.monthly_fee, start, end)
        days = (end - start).days + 1
        quantity = "1 мес." if days == (last - first).days + 1 else f"{days} дн."
        lines.append(Line(sub.product.title, quantity, amount))
    orders = session.scalars(
        select(OneTimeOrder).where(OneTimeOrder.contract_id == contract.id, OneTimeOrder.status != CANCELLED)
    )
    for order in orders:
        ordered_on = order.created_at.astimezone(tenant_zone(tenant)).date()
        if first <= ordered_on <= last:
            lines.append(Line(order.service.title, "1 шт.", order.price))
    return lines


def build_document(tenant: Tenant, contract: Contract, period: str, kind: str) -> LegalDocument:
    """The invoice or the act of ``contract`` for ``period`` (``YYYY-MM``); raises :class:`DocumentError`."""
    if kind not in KINDS:
        raise DocumentError("unknown document")
    if not contract.is_legal:
        raise DocumentError("documents are for legal entities")
    if period not in periods(tenant, contract):
        raise DocumentError("no documents for this month")
    if kind == ACT and not act_ready(tenant, period):
        raise DocumentError("the act exists once the month is over")
    first, last = _period_days(period)
    receipt = build_receipt(tenant, contract.account, period)
    if kind == INVOICE:
        lines = tuple(_invoice_lines(tenant, contract, first, last))
        issued = first
    else:
        lines = tuple(
            Line(c.title, "1 мес." if not c.for_period else f"за {c.for_period}", c.amount) for c in receipt.charges
        )
        issued = last
    return LegalDocument(
        kind=kind,
        number=f"{contract.number}-{period.replace('-', '')}",
        issued_on=issued,
        period=period,
        first_day=first,
        last_day=last,
        contract=contract,
        receipt=receipt,
        lines=lines,
        total=sum(line.amount for line in lines),
        vat_percent=plugin_settings(tenant, "isp").vat_percent,
    )


def render_pdf(document: LegalDocument) -> bytes:
    """The document as an A4 PDF (PT Sans embedded, like the receipt)."""
    html = render_template(
        f"isp/documents/{document.kind}.html", d=document, r=document.receipt, rub=format_rub, fonts=pdf_fonts()
    )
    return html_to_pdf(html)


def filename(document: LegalDocument) -> str:
    prefix = "schet" if document.kind == INVOICE else "akt"
    return f"{prefix}-{document.number}.pdf"
