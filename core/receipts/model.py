"""What a printed receipt (квитанция) says, built from the tenant, the personal account and the ledger.

Which money belongs to a period
-------------------------------
A receipt for ``"YYYY-MM"`` covers the month from its first to its last day in the **tenant's time
zone** (``tenant.timezone``): ``[start, end)`` with ``start`` = the 1st at 00:00 local time.

* The opening balance is the ledger balance just before ``start`` (:func:`core.ledger.service.balance_at`).
* Every posting on the personal account that **occurred** in ``[start, end)`` is counted, and only
  those: charges (kind ``charge``), payments (``payment``), reversals of either (they reduce the
  charge of the same service, or the payments), and anything else (corrections, promised credit …)
  as "other changes". The ``period`` tag of a posting does not move it between receipts; a charge
  posted in November for October is a recalculation and is shown in November with "за 10.2026".
  So ``closing = opening − charges + payments + other`` always holds, and one receipt's closing
  balance is the next one's opening balance. A billing run that charges a month after it ends must
  post with ``occurred_at`` inside that month for the charges to be on its receipt.
* Amount due = ``max(0, owed − closing)``, where ``owed`` is credit still on the balance at the period's end
  (the ``money_owed`` hook: a promised payment); a positive closing balance is an overpayment carried forward.

Plugins add lines through the ``receipt_lines`` hook: information (tariffs, meter readings …) shown
on the receipt, never added to the money above.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import force_locale
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from core.accounts.models import PersonalAccount
from core.db import session, tenant_scope, utcnow
from core.ledger import service as ledger
from core.ledger.models import LedgerTransaction, Posting
from core.money.figures import money_owed
from core.money.outlook import MoneyOwed
from core.money.services import service_titles
from core.plugins.manager import flatten
from core.plugins.state import tenant_hooks
from core.plugins.types import ReceiptLine
from core.receipts import qr
from core.receipts.format import month_label, period_digits
from core.tenants import requisites
from core.tenants.models import Tenant

log = logging.getLogger(__name__)

PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
DEFAULT_TIMEZONE = "Europe/Moscow"

OTHER_CHARGES = "Прочие начисления"
RECEIPT_LOCALE = "ru"


class ReceiptError(ValueError):
    """A receipt cannot be built (a malformed period, an account of another tenant)."""


@dataclass(frozen=True)
class Provider:
    """The payee: the tenant's legal details (``brand`` is the site's name)."""

    name: str
    inn: str
    kpp: str
    ogrn: str
    address: str
    brand: str


@dataclass(frozen=True)
class BankDetails:
    bank_name: str
    bic: str
    account: str
    corr_account: str


@dataclass(frozen=True)
class Payer:
    name: str
    account_number: str
    address: str
    inn: str
    is_legal: bool


@dataclass(frozen=True)
class ChargeLine:
    """Charges of one service in the period, net of reversals; ``for_period`` is set for recalculations."""

    service: str | None
    title: str
    amount: int
    for_period: str | None = None


@dataclass(frozen=True)
class PaymentLine:
    """A payment received (or, with a negative amount, a payment taken back) on ``day`` (local date)."""

    day: date
    amount: int
    title: str


@dataclass(frozen=True)
class InfoLine:
    """A line a plugin added (``receipt_lines``): information only, not part of the amount due."""

    title: str
    amount: int | None
    details: str


@dataclass(frozen=True)
class Receipt:
    """Everything printed on one receipt. Money is integer kopecks; a balance below zero is a debt."""

    period: str
    first_day: date
    last_day: date
    timezone: str
    issued_on: date
    provider: Provider
    bank: BankDetails
    payer: Payer
    opening_balance: int
    charges: tuple[ChargeLine, ...]
    charges_total: int
    payments: tuple[PaymentLine, ...]
    payments_total: int
    other_total: int
    closing_balance: int
    amount_due: int
    owed: tuple[MoneyOwed, ...]
    info_lines: tuple[InfoLine, ...]
    requisite_problems: tuple[str, ...]
    qr_payload: str | None

    @property
    def period_label(self) -> str:
        """``"ноябрь 2026"``."""
        return month_label(self.period)

    @property
    def overpayment(self) -> int:
        """Money left on the account at the end of the period (carried forward)."""
        return max(0, self.closing_balance)

    @property
    def can_be_paid_by_qr(self) -> bool:
        return self.qr_payload is not None

    @property
    def purpose(self) -> str:
        """The payment's purpose, as in the QR code."""
        return payment_purpose(self.payer.account_number, self.period)


def period_bounds(period: str, timezone: str) -> tuple[datetime, datetime]:
    """``[start, end)`` of the month ``"YYYY-MM"`` as aware datetimes in ``timezone``."""
    match = PERIOD.match(period or "")
    if match is None:
        raise ReceiptError(f"a period is 'YYYY-MM', got {period!r}")
    year, month = int(match[1]), int(match[2])
    zone = ZoneInfo(timezone)
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    return start, end


def _zone_name(tenant: Tenant) -> str:
    name = tenant.timezone or DEFAULT_TIMEZONE
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("tenant %s has an unknown time zone %r; using %s", tenant.slug, name, DEFAULT_TIMEZONE)
        return DEFAULT_TIMEZONE
    return name


def _text(mapping: dict[str, Any] | None, key: str) -> str:
    value = (mapping or {}).get(key)
    return str(value).strip() if value is not None else ""


def requisite_problems(provider: Provider, bank: BankDetails) -> tuple[str, ...]:
    """What keeps the tenant's details from making a payment QR code a bank app accepts (Russian, for people).

    Details are checked when they are saved (``core.tenants.schemas``); they are checked again here
    because tenants created before that, or in code, may have none or broken ones.
    """
    problems = []

    def need(label: str, value: str, valid: bool, ending: str = "") -> None:
        if not value:
            problems.append(f"{label} — не указан{ending}")
        elif not valid:
            problems.append(f"{label} — указан{ending} с ошибкой")

    need("наименование получателя", provider.name, True, ending="о")
    need("ИНН получателя", provider.inn, requisites.inn_is_valid(provider.inn))
    if provider.kpp or len(provider.inn) == 10:  # organizations have a KPP, individual entrepreneurs do not
        need("КПП получателя", provider.kpp, requisites.kpp_is_valid(provider.kpp))
    need("банк получателя", bank.bank_name, True)
    need("БИК банка", bank.bic, requisites.bic_is_valid(bank.bic))
    need("расчётный счёт", bank.account, requisites.settlement_account_is_valid(bank.account, bank.bic))
    need(
        "корреспондентский счёт",
        bank.corr_account,
        requisites.correspondent_account_is_valid(bank.corr_account, bank.bic),
    )
    return tuple(problems)


def _payer_name_fields(payer: Payer) -> list[tuple[str, str]]:
    """``LastName`` (and first and middle names when written out in full) of a person; nothing for a company."""
    if payer.is_legal or not payer.name:
        return []
    words = payer.name.split()
    if len(words) == 3 and "." not in payer.name:
        return [("LastName", words[0]), ("FirstName", words[1]), ("MiddleName", words[2])]
    return [("LastName", words[0])]


def payment_purpose(account_number: str, period: str) -> str:
    return f"Оплата услуг по л/с {account_number} за {period_digits(period, '.')}"


def qr_payload_for(
    provider: Provider, bank: BankDetails, payer: Payer, period: str, amount_due: int, tech_code: str = ""
) -> str:
    """The GOST R 56042 payload of a receipt.

    ``Sum`` is left out when nothing is due: the payer's bank app then asks for the amount (paying
    ahead stays possible), where ``Sum=0`` would be refused or shown as a zero payment. ``tech_code`` is the
    standard's ``TechCode`` (the kind of payment: ``"02"`` housing and utilities), left out when empty.
    """
    fields: list[tuple[str, object]] = [
        ("Name", provider.name),
        ("PersonalAcc", bank.account),
        ("BankName", bank.bank_name),
        ("BIC", bank.bic),
        ("CorrespAcc", bank.corr_account),
        ("PayeeINN", provider.inn),
        ("KPP", provider.kpp),
    ]
    if amount_due > 0:
        fields.append(("Sum", str(amount_due)))
    fields += [
        ("Purpose", payment_purpose(payer.account_number, period)),
        ("PersAcc", payer.account_number),
        *_payer_name_fields(payer),
        ("PayerAddress", payer.address),
        ("PayerINN", payer.inn),
        ("PaymPeriod", period_digits(period)),
        ("TechCode", tech_code),
    ]
    return qr.build_payload(fields)


def payment_qr_payload(receipt: Receipt, amount_due: int, *, tech_code: str = "") -> str | None:
    """The GOST R 56042 payload for paying ``amount_due`` kopecks to ``receipt``'s payee, for its payer and month.

    For a plugin's own payment document whose total is not the receipt's (housing's ЕПД adds penalties):
    the same payee, payer, purpose and period as the receipt's code, another ``Sum``, and ``tech_code`` (the
    standard's kind of payment, ``"02"`` for housing and utilities). ``None`` when the payee's details do not
    allow a code; ``receipt.requisite_problems`` say why.
    """
    if receipt.requisite_problems:
        return None
    return qr_payload_for(receipt.provider, receipt.bank, receipt.payer, receipt.period, amount_due, tech_code)


@dataclass(frozen=True)
class _PeriodMoney:
    charges: dict[tuple[str | None, str | None], int]
    payments: list[PaymentLine]
    other: int


def _period_money(
    account: PersonalAccount, period: str, start: datetime, end: datetime, zone: ZoneInfo
) -> _PeriodMoney:
    """The period's charges per (service, recalculated period), payments and other changes, summed by the database.

    A reversal counts as the kind of the transaction it reverses. Two statements whatever the month holds: the
    sums grouped by kind, service and period, and the payments (each is a line of the receipt).
    """
    original = aliased(LedgerTransaction, name="original")
    kinds = (
        select(Posting.kind, original.kind, Posting.service, Posting.period, func.sum(Posting.amount))
        .join(LedgerTransaction, LedgerTransaction.id == Posting.transaction_id)
        .outerjoin(original, original.id == LedgerTransaction.reverses_id)
        .where(
            Posting.ledger_account_id == account.ledger_account_id,
            Posting.occurred_at >= start,
            Posting.occurred_at < end,
        )
    )
    charges: dict[tuple[str | None, str | None], int] = defaultdict(int)
    other = 0
    has_payments = False
    grouped = kinds.group_by(Posting.kind, original.kind, Posting.service, Posting.period)
    for kind, reversed_kind, service, posting_period, total in session.execute(grouped):
        amount = int(total)  # PostgreSQL sums integers as numeric
        effective = (reversed_kind or "") if kind == "reversal" else kind
        if effective == "charge":
            recalculated = posting_period if posting_period and posting_period != period else None
            charges[(service, recalculated)] -= amount
        elif effective == "payment":
            has_payments = True
        else:
            other += amount
    payments: list[PaymentLine] = []
    if has_payments:
        paid = kinds.with_only_columns(Posting.occurred_at, Posting.amount, maintain_column_froms=True).where(
            or_(Posting.kind == "payment", and_(Posting.kind == "reversal", original.kind == "payment"))
        )
        for occurred_at, amount in session.execute(paid.order_by(Posting.occurred_at, Posting.id)):
            title = "Оплата" if amount > 0 else "Отмена оплаты"
            payments.append(PaymentLine(occurred_at.astimezone(zone).date(), amount, title))
    return _PeriodMoney(dict(charges), payments, other)


def _info_lines(tenant: Tenant, account: PersonalAccount, period: str) -> tuple[InfoLine, ...]:
    results = tenant_hooks(tenant).receipt_lines(tenant=tenant, account=account, period=period)
    lines = []
    for item in flatten(results):
        line = _as_receipt_line(item)
        if line is None:
            continue
        if not str(line.title or "").strip():
            log.warning("receipt_lines: a line without a title was left out: %r", item)
            continue
        amount = line.amount
        if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int)):
            log.warning("receipt_lines: amounts are integer kopecks; line %r left out", item)
            continue
        lines.append(InfoLine(str(line.title).strip(), amount, str(line.details or "").strip()))
    return tuple(lines)


def _as_receipt_line(item: object) -> ReceiptLine | None:
    """A hook's answer as a :class:`ReceiptLine`; the dicts of core 0.3 still work, with a warning."""
    if isinstance(item, ReceiptLine):
        return item
    if isinstance(item, dict):
        warnings.warn(
            "receipt_lines: return core.api.ReceiptLine(title, amount, details) instead of a dict "
            "(dicts are accepted until core 0.6)",
            DeprecationWarning,
            stacklevel=2,
        )
        return ReceiptLine(item.get("title") or "", item.get("amount"), item.get("details") or "")
    log.warning("receipt_lines: a line that is not a ReceiptLine was left out: %r", item)
    return None


def build_receipt(tenant: Tenant, account: PersonalAccount, period: str) -> Receipt:
    """The receipt of ``account`` for ``period`` (``"YYYY-MM"``). Reads only; commits nothing.

    Runs in ``tenant``'s scope (entered here) inside an app context.
    """
    zone_name = _zone_name(tenant)
    start, end = period_bounds(period, zone_name)
    zone = ZoneInfo(zone_name)
    if account.tenant_id != tenant.id:
        raise ReceiptError("the personal account belongs to another tenant")
    legal, bank_data = tenant.legal or {}, tenant.bank or {}
    provider = Provider(
        name=_text(legal, "full_name") or _text(legal, "short_name"),
        inn=_text(legal, "inn"),
        kpp=_text(legal, "kpp"),
        ogrn=_text(legal, "ogrn"),
        address=_text(legal, "address"),
        brand=tenant.name,
    )
    bank = BankDetails(
        bank_name=_text(bank_data, "bank_name"),
        bic=_text(bank_data, "bic"),
        account=_text(bank_data, "account"),
        corr_account=_text(bank_data, "corr_account"),
    )
    payer = Payer(
        name=account.holder_name,
        account_number=account.number,
        address=account.address,
        inn=account.holder_inn,
        is_legal=account.is_legal,
    )
    with tenant_scope(tenant.id):
        opening = ledger.balance_at(account.ledger_account, start)
        money = _period_money(account, period, start, end, zone)
        charges, payments, other = money.charges, money.payments, money.other
        info_lines = _info_lines(tenant, account, period)
    titles = service_titles(tenant)  # once per receipt, not once per line
    charge_lines = tuple(
        sorted(
            (
                ChargeLine(service, titles.get(service, service) if service else OTHER_CHARGES, amount, recalculated)
                for (service, recalculated), amount in charges.items()
                if amount
            ),
            key=lambda line: (line.for_period or "", line.title),
        )
    )
    charges_total = sum(line.amount for line in charge_lines)
    payments_total = sum(line.amount for line in payments)
    closing = opening - charges_total + payments_total + other
    # A credit still on the balance at the period's end (a promised payment) is owed: it is due too.
    with force_locale(RECEIPT_LOCALE):  # a receipt is a Russian payment document whatever the page's language
        owed = money_owed(tenant, account, None if end > utcnow() else end)
    amount_due = max(0, sum(item.amount for item in owed) - closing)
    problems = requisite_problems(provider, bank)
    payload = None if problems else qr_payload_for(provider, bank, payer, period, amount_due)
    return Receipt(
        period=period,
        first_day=start.date(),
        last_day=(end - timedelta(days=1)).date(),
        timezone=zone_name,
        issued_on=utcnow().astimezone(zone).date(),
        provider=provider,
        bank=bank,
        payer=payer,
        opening_balance=opening,
        charges=charge_lines,
        charges_total=charges_total,
        payments=tuple(payments),
        payments_total=payments_total,
        other_total=other,
        closing_balance=closing,
        amount_due=amount_due,
        owed=owed,
        info_lines=info_lines,
        requisite_problems=problems,
        qr_payload=payload,
    )
