"""One-time services: a per-tenant catalogue, ordered from the cabinet with a price and a visit slot.

IS-Telecom sells the installation of video surveillance: the subscriber picks the service and a free
time for the technician, the price is charged to the contract at once (ledger kind ``charge``,
service ``once:<code>``, idempotency key ``isp:onetime:<order>``), and a technician visit is
requested in core's visits (reason "ordered service") for the operators to confirm.

Rules: the balance must cover the price (the subscriber is told how much to pay first); legal
entities order by a written application; a terminated or blocked contract cannot order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from core.api import (
    AmountError,
    Tenant,
    User,
    VisitError,
    audit,
    format_money,
    ledger,
    parse_rubles,
    request_visit,
    session,
    utcnow,
)
from plugins.isp.common.calendar import tenant_today
from plugins.isp.common.contract_lock import lock_contract_and_money
from plugins.isp.models import ORDERED, Contract, OneTimeOrder, OneTimeService

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
SERVICE_PREFIX = "once:"
MAX_COMMENT = 1000


class OrderError(ValueError):
    """The order is refused; ``errors`` maps form fields to messages. Nothing was charged or booked."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass
class ServiceForm:
    """The catalogue form checked: ``data`` to save when ``errors`` is empty."""

    values: dict
    errors: dict[str, str] = field(default_factory=dict)
    data: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def ledger_service(item: OneTimeService) -> str:
    """The ledger's service code of a one-time service (its title on statements and receipts)."""
    return f"{SERVICE_PREFIX}{item.code}"


def catalogue() -> list[OneTimeService]:
    """What subscribers may order now (not archived), in the operator's order."""
    return list(
        session.scalars(
            select(OneTimeService)
            .where(OneTimeService.archived.is_(False))
            .order_by(OneTimeService.position, OneTimeService.id)
        )
    )


def all_services() -> list[OneTimeService]:
    return list(session.scalars(select(OneTimeService).order_by(OneTimeService.position, OneTimeService.id)))


def ledger_titles() -> dict[str, str]:
    """``once:<code>`` → title, for statements and receipts (core's ``service_titles``)."""
    return {ledger_service(s): s.title for s in all_services()}


def form_values(item: OneTimeService | None) -> dict:
    if item is None:
        return {"code": "", "title": "", "description": "", "price": "", "needs_visit": True, "position": "100"}
    return {
        "code": item.code,
        "title": item.title,
        "description": item.description,
        "price": format_money(item.price, "wire"),
        "needs_visit": item.needs_visit,
        "position": str(item.position),
    }


def check_service(values: dict, existing: OneTimeService | None) -> ServiceForm:
    """Check the catalogue form (code, title, price in rubles, visit needed, position)."""
    form = ServiceForm(values)
    code = (values.get("code") or "").strip() if existing is None else existing.code
    if existing is None:
        if not CODE_RE.match(code):
            form.errors["code"] = _("The code is lowercase Latin letters, digits, _ or -, up to 40.")
        elif session.scalar(select(OneTimeService.id).where(OneTimeService.code == code)) is not None:
            form.errors["code"] = _("A service with this code already exists.")
    title = (values.get("title") or "").strip()
    if not title:
        form.errors["title"] = _("Enter the service's name.")
    elif len(title) > 200:
        form.errors["title"] = _("The name is too long: at most %(n)s characters.", n=200)
    try:
        price = parse_rubles((values.get("price") or "").strip())
    except AmountError:
        price = None
    if price is None or price <= 0:
        form.errors["price"] = _("Enter the price in rubles, for example 4 500 or 4500,00.")
    position_text = str(values.get("position") or "100").strip()
    position = (
        int(position_text) if position_text.isascii() and position_text.isdigit() and len(position_text) <= 5 else None
    )
    if position is None:
        form.errors["position"] = _("The position is a number from 0 to 99999.")
    if not form.errors:
        form.data = {
            "code": code,
            "title": title,
            "description": (values.get("description") or "").strip(),
            "price": price,
            "needs_visit": bool(values.get("needs_visit")),
            "position": position,
        }
    return form


def save_service(existing: OneTimeService | None, data: dict) -> OneTimeService:
    """Create or change a catalogue item from checked ``data``; audited. The caller commits."""
    item = existing or OneTimeService(code=data["code"])
    before = None if existing is None else {"title": existing.title, "price": existing.price}
    for name in ("title", "description", "price", "needs_visit", "position"):
        setattr(item, name, data[name])
    if existing is None:
        session.add(item)
    session.flush()
    audit("isp.onetime.save", "isp_onetime_service", item.code, before, {"title": item.title, "price": item.price})
    return item


def set_archived(item: OneTimeService, archived: bool) -> None:
    """Stop (or resume) offering the service; past orders keep it. Audited."""
    item.archived = archived
    session.flush()
    audit("isp.onetime.archive", "isp_onetime_service", item.code, None, {"archived": archived})


def orders_of(contract: Contract) -> list[OneTimeOrder]:
    """The contract's orders, newest first."""
    return list(
        session.scalars(
            select(OneTimeOrder).where(OneTimeOrder.contract_id == contract.id).order_by(OneTimeOrder.id.desc())
        )
    )


def recent_orders(limit: int = 100) -> list[OneTimeOrder]:
    return list(session.scalars(select(OneTimeOrder).order_by(OneTimeOrder.id.desc()).limit(limit)))


def refusal(contract: Contract) -> str | None:
    """Why this contract may not order one-time services from the cabinet (``None`` when it may)."""
    if contract.account.status == "closed":
        return _("The contract is terminated.")
    if contract.is_legal:
        return _("Legal entities order services by a written application signed by the head of the organization.")
    if contract.is_blocked:
        return _("Services are blocked for debt: pay the debt first.")
    return None


def place_order(
    tenant: Tenant,
    contract: Contract,
    item: OneTimeService,
    user: User,
    *,
    slot: tuple[date, str] | None,
    address: str = "",
    comment: str = "",
) -> OneTimeOrder:
    """Order ``item``: charge its price to the contract and request a technician visit in ``slot``.

    ``address`` is where the technician comes (the contract's address when left empty).

    Raises :class:`OrderError` (nothing charged or booked): the contract may not order, the service
    is archived, the balance does not cover the price, the slot is missing or not free. The caller commits.
    """
    lock_contract_and_money(contract)
    errors: dict[str, str] = {}
    why = refusal(contract)
    if why:
        raise OrderError({"service": why})
    if item.archived:
        raise OrderError({"service": _("This service is not offered any more.")})
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        errors["comment"] = _("The comment is too long: at most %(n)s characters.", n=MAX_COMMENT)
    balance = contract.account.balance
    if balance < item.price:
        errors["service"] = _(
            "The service costs %(price)s and the balance is %(balance)s: please pay %(missing)s first.",
            price=format_money(item.price),
            balance=format_money(balance),
            missing=format_money(item.price - max(balance, 0)),
        )
    if item.needs_visit and slot is None:
        errors["slot"] = _("Choose a day and time for the technician.")
    if errors:
        raise OrderError(errors)
    order = OneTimeOrder(
        contract_id=contract.id, service_id=item.id, price=item.price, status=ORDERED, ordered_by_id=user.id
    )
    session.add(order)
    session.flush()
    if item.needs_visit and slot is not None:
        description = _(
            "%(title)s, %(price)s (order %(number)s).",
            title=item.title,
            price=format_money(item.price),
            number=order.id,
        )
        if comment:
            description = f"{description}\n{comment}"
        try:
            visit = request_visit(
                tenant,
                user,
                reason="",
                preferred=[slot],
                account_id=contract.personal_account_id,
                address=address,
                description=description,
                ordered_service=True,
            )
        except VisitError as error:
            field_name = "address" if "address" in error.errors else "slot"
            raise OrderError({field_name: _visit_message(error.errors)}) from None
        order.visit_id = visit.id
    now = utcnow()
    ledger.transfer(
        f"isp:onetime:{order.id}",
        "charge",
        contract.account.ledger_account,
        ledger.revenue_account(ledger_service(item)),
        item.price,
        memo=f"One-time service {item.code}",
        meta={"onetime_order": order.id},
        service=ledger_service(item),
        period=f"{tenant_today(tenant, now):%Y-%m}",
        occurred_at=now,
    )
    audit(
        "isp.onetime.order",
        "contract",
        contract.number,
        None,
        {"service": item.code, "price": item.price, "visit": order.visit_id},
    )
    return order


def _visit_message(errors: dict) -> str:
    """The first message of core's visit errors (nested by field and slot position)."""

    def first(value):
        if isinstance(value, str):
            return value
        if isinstance(value, list | tuple):
            return next((m for m in map(first, value) if m), "")
        if isinstance(value, dict):
            return next((m for m in map(first, value.values()) if m), "")
        return ""

    return first(errors) or _("Choose another day and time.")
