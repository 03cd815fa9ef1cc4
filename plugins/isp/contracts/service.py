"""Contracts and their services: open a contract, find a subscriber's contract, list what is on it.

A contract is the isp plugin's meaning of a core personal account: its number is the account number
and the subscriber's login; the subscriber gets a random password on a printable sheet (core's
credentials page).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, lazyload

from core.api import (
    AccountError,
    IdentityError,
    PersonalAccount,
    Tenant,
    User,
    audit,
    built_once,
    create_user,
    find_account,
    grant_access,
    open_account,
    request_memo,
    session,
)
from plugins.isp.categories.service import codes as category_codes
from plugins.isp.common.calendar import days_in_month
from plugins.isp.models import TARIFF_KINDS, Contract, Product, Subscription


class ContractError(ValueError):
    """A contract could not be opened; ``field`` names the form field at fault. Nothing was saved."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


_CONTRACT_OF = built_once(  # every isp page asks it
    select(Contract)
    # its services in the same statement; its account is the one given (already in the session)
    .options(joinedload(Contract.subscriptions), lazyload(Contract.account))
    .where(Contract.personal_account_id == bindparam("account_id"))
)


def contract_of(account: PersonalAccount | None) -> Contract | None:
    """The contract of a personal account (``None`` for an account that is not an ISP contract)."""
    if account is None:
        return None

    def read() -> Contract | None:
        return session.scalars(_CONTRACT_OF, {"account_id": account.id}).unique().one_or_none()

    return request_memo(("isp.contract_of", account.id), read)


def contract_by_number(number: str) -> Contract | None:
    return session.scalar(select(Contract).where(Contract.number == number))


def contracts_of_user(user: User) -> list[Contract]:
    """Every contract the user may use (through core's account access)."""
    from core.api import accounts_of

    ids = [account.id for account in accounts_of(user)]
    if not ids:
        return []
    return list(session.scalars(select(Contract).where(Contract.personal_account_id.in_(ids)).order_by(Contract.id)))


def subscriptions_on(contract: Contract, day: date) -> list[Subscription]:
    """The contract's services that run on ``day``."""
    return [s for s in contract.subscriptions if s.covers(day)]


def upcoming(contract: Contract, day: date) -> list[Subscription]:
    """Services that start after ``day`` (ordered add-ons, tariffs of a scheduled change)."""
    return [s for s in contract.subscriptions if s.starts_on > day]


def tariff_on(contract: Contract, kind: str, day: date) -> Subscription | None:
    """The contract's ``kind`` tariff (internet or TV) on ``day``."""
    return next((s for s in subscriptions_on(contract, day) if s.product.kind == kind), None)


def monthly_fee(contract: Contract, day: date) -> int:
    """What the services running on ``day`` cost per month (bundled packages are in their tariff's price)."""
    return sum(s.product.monthly_fee for s in subscriptions_on(contract, day) if s.bundled_with_id is None)


def daily_cost(contract: Contract, day: date) -> int:
    """What one day around ``day`` costs on average (a month's fee / days): for "enough for N days"."""
    fee = monthly_fee(contract, day)
    if not fee:
        return 0
    return -(-fee // days_in_month(day))


def subscribe(contract: Contract, product: Product, starts_on: date, *, ends_on: date | None = None) -> Subscription:
    """Put ``product`` on the contract from ``starts_on``; a tariff's bundled packages come with it."""
    subscription = Subscription(contract=contract, product=product, starts_on=starts_on, ends_on=ends_on)
    session.add(subscription)
    session.flush()
    if product.includes:
        included = session.scalars(select(Product).where(Product.code.in_(product.includes)))
        for package in included:
            session.add(
                Subscription(
                    contract=contract,
                    product=package,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    bundled_with_id=subscription.id,
                )
            )
        session.flush()
    return subscription


def end_subscription(subscription: Subscription, last_day: date) -> None:
    """Stop a service after ``last_day`` (its bundled packages stop with it)."""
    subscription.ends_on = last_day
    for other in subscription.contract.subscriptions:
        if other.bundled_with_id == subscription.id:
            other.ends_on = last_day
    session.flush()


@dataclass(frozen=True)
class NewContract:
    """What an operator enters to open a contract."""

    number: str
    holder_name: str
    holder_kind: str = "individual"
    holder_inn: str = ""
    category: str = "cable"
    address: str = ""
    email: str | None = None
    phone: str = ""
    products: tuple[str, ...] = ()  # product codes
    starts_on: date | None = None
    password: str | None = None  # None: a random one (the demo fixes it so its README can print it)


def open_contract(tenant: Tenant, new: NewContract, today: date) -> tuple[Contract, User, str]:
    """Open a contract: personal account, services, and the subscriber's login (the contract number).

    Returns the contract, the user and the user's random password (show it once, on the credentials
    sheet). Raises :class:`ContractError`; the caller rolls back and commits.
    """
    number = new.number.strip()
    if not number:
        raise ContractError("number", "Enter the contract number.")
    if find_account(number) is not None or contract_by_number(number) is not None:
        raise ContractError("number", "This contract number is already used.")
    if new.category not in category_codes():
        raise ContractError("category", "Choose the subscriber category.")
    products = list(session.scalars(select(Product).where(Product.code.in_(new.products)))) if new.products else []
    if len(products) != len(set(new.products)):
        raise ContractError("products", "Unknown product.")
    kinds = [p.kind for p in products if p.kind in TARIFF_KINDS]
    if len(kinds) != len(set(kinds)):
        raise ContractError("products", "Choose at most one internet and one TV tariff.")
    for product in products:
        if product.archived:
            raise ContractError("products", f"«{product.title}» is archived.")
        if new.category not in product.categories or new.holder_kind not in product.holder_kinds:
            raise ContractError("products", f"«{product.title}» is not offered to this subscriber.")
    try:
        account = open_account(
            number,
            holder_name=new.holder_name,
            holder_kind=new.holder_kind,
            holder_inn=new.holder_inn,
            address=new.address,
            opened_on=new.starts_on or today,
        )
    except AccountError as error:
        raise ContractError(error.field, str(error)) from error
    contract = Contract(number=account.number, account=account, category=new.category, signed_on=today)
    session.add(contract)
    session.flush()
    for product in products:
        subscribe(contract, product, new.starts_on or today)
    try:
        user, password = create_user(
            tenant,
            account.number,
            full_name=new.holder_name,
            email=new.email,
            phone=new.phone,
            password=new.password,
        )
    except IdentityError as error:
        raise ContractError(error.field if error.field != "login" else "number", error.message) from error
    grant_access(user, account)
    audit("isp.contract.open", "contract", contract.number, None, {"products": list(new.products)})
    return contract, user, password
