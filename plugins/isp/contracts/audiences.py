"""News by tariff (the ``news_audiences`` hook): the readers whose contracts have a tariff running today."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, or_, select

from core.api import Audience, Tenant, User, accounts_of, process_cache, session
from plugins.isp.catalog.service import tariffs
from plugins.isp.contracts.service import contract_of, subscriptions_on
from plugins.isp.models import Contract, Product, Subscription


def has_tariff_on(user: User, code: str, today: date) -> bool:
    """Whether one of the user's contracts has the tariff ``code`` running on ``today`` (two small queries)."""
    account_ids = [account.id for account in accounts_of(user)]
    if not account_ids:
        return False
    stmt = select(
        exists()
        .where(Subscription.contract_id == Contract.id)
        .where(Subscription.product_id == Product.id)
        .where(
            Contract.personal_account_id.in_(account_ids),
            Product.code == code,
            Subscription.starts_on <= today,
            or_(Subscription.ends_on.is_(None), Subscription.ends_on >= today),
        )
    )
    return bool(session.scalar(stmt))


def tariffs_on(user: User, today: date) -> set[str]:
    """Codes of the products running on ``today`` on any of the user's contracts.

    A subscriber with one account (nearly all) is answered from its contract with its services, which the page
    has usually read already (:func:`contract_of` is remembered per request); several accounts take one query.
    """
    accounts = accounts_of(user)
    if not accounts:
        return set()
    if len(accounts) == 1:
        contract = contract_of(accounts[0])
        return {sub.product.code for sub in subscriptions_on(contract, today)} if contract is not None else set()
    stmt = (
        select(Product.code)
        .join(Subscription, Subscription.product_id == Product.id)
        .join(Contract, Contract.id == Subscription.contract_id)
        .where(
            Contract.personal_account_id.in_([account.id for account in accounts]),
            Subscription.starts_on <= today,
            or_(Subscription.ends_on.is_(None), Subscription.ends_on >= today),
        )
        .distinct()
    )
    return set(session.scalars(stmt))


def news_audiences(tenant: Tenant) -> list[Audience]:
    """News by tariff: the choices are the tenant's tariffs; a reader belongs if a contract has it today."""
    tariff_rows = process_cache().get(  # every page's news banner asks; the catalogue rarely changes
        ("isp.tariff_choices", tenant.id), lambda: tuple((p.code, p.title, p.archived) for p in tariffs())
    )
    choices = [(code, f"{title} ({_l('archived')})" if archived else title) for code, title, archived in tariff_rows]
    if not choices:
        return []
    zone = ZoneInfo(tenant.timezone)  # read now: the job may call ``includes`` with the tenant detached

    def includes(user: User, value: str) -> bool:
        return has_tariff_on(user, value, datetime.now(zone).date())

    def memberships(user: User) -> set[str]:
        return tariffs_on(user, datetime.now(zone).date())

    return [Audience("tariff", _l("Tariff"), choices, includes, memberships)]
