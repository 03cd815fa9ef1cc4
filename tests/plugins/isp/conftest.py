"""Fixtures for the isp plugin's tests: a tenant with the plugin, a catalogue, contracts with a balance.

Each fixture works on the test's app and database (core's pytest plugin, ``core.testing.fixtures``).
Objects come back detached; open ``tenant_scope(tenant.id)`` in an app context to load them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest

PRODUCTS = (
    # code, kind, title, monthly fee (kopecks), extra fields
    ("inet100", "internet", "Home 100", 50000, {"speed_mbps": 100, "allowed_changes": ["inet300"]}),
    ("inet300", "internet", "Home 300", 80000, {"speed_mbps": 300, "allowed_changes": ["inet100"]}),
    ("inet500", "internet", "Home 500", 120000, {"speed_mbps": 500}),
    ("wifi50", "internet", "Wi-Fi 50", 40000, {"speed_mbps": 50, "categories": ["wifi"]}),
    ("biz100", "internet", "Business 100", 150000, {"speed_mbps": 100, "holder_kinds": ["legal"]}),
    ("old60", "internet", "Archive 60", 30000, {"speed_mbps": 60, "archived": True}),
    ("tvbase", "tv", "TV Base", 30000, {"channels": 120, "includes": ["kids"]}),
    ("tvmax", "tv", "TV Max", 60000, {"channels": 250, "includes": ["kids", "movies"]}),
    ("kids", "tv_package", "Kids", 10000, {"channels": 12}),
    ("movies", "tv_package", "Movies", 20000, {"channels": 20}),
    ("sport", "tv_package", "Sport", 25000, {"channels": 8}),
    ("static_ip", "addon", "Static IP", 15000, {"start_rule": "next_month"}),
    ("antivirus", "addon", "Antivirus", 9900, {"start_rule": "next_day"}),
)


@pytest.fixture
def isp_tenant(make_tenant, enable_plugin):
    """``isp_tenant(slug="isp-site", settings=None, **fields)``: a tenant (contract logins, Yekaterinburg
    time, English pages unless ``locale="ru"``) with the isp plugin enabled with ``settings``."""

    def factory(slug: str = "isp-site", settings: dict[str, Any] | None = None, **fields: Any):
        fields.setdefault("login_identifier", "contract")
        fields.setdefault("locale", "en")
        fields.setdefault("timezone", "Asia/Yekaterinburg")
        tenant = make_tenant(slug, **fields)
        enable_plugin(tenant, "isp", settings or {})
        return tenant

    return factory


@pytest.fixture
def catalog(app):
    """``catalog(tenant)`` fills the tenant's catalogue with :data:`PRODUCTS`; returns ``{code: product_id}``."""
    from core.api import session, tenant_scope
    from plugins.isp.models import Product

    def factory(tenant) -> dict[str, int]:
        ids = {}
        with app.app_context(), tenant_scope(tenant.id):
            for position, (code, kind, title, fee, extra) in enumerate(PRODUCTS):
                product = Product(code=code, kind=kind, title=title, monthly_fee=fee, position=position, **extra)
                session.add(product)
                session.flush()
                ids[code] = product.id
            session.commit()
        return ids

    return factory


@dataclass
class MadeContract:
    """A contract made by :func:`make_contract`: ids to load it again, and the subscriber's login."""

    id: int
    number: str
    account_id: int
    user_id: int
    login: str
    password: str


@pytest.fixture
def make_contract(app):
    """``make_contract(tenant, number, products=("inet100",), category="cable", holder_kind="individual",
    balance=0, opened_days_ago=60, blocked=False, email=None)`` opens a contract with services and a
    subscriber login, and puts ``balance`` kopecks on it (a payment, or a charge when negative).
    ``blocked=True`` marks its services blocked for debt. Returns a :class:`MadeContract`."""
    from core.api import ledger, session, tenant_scope, utcnow
    from plugins.isp.contracts.service import NewContract, open_contract

    def factory(
        tenant,
        number: str,
        products: tuple[str, ...] = ("inet100",),
        category: str = "cable",
        holder_kind: str = "individual",
        balance: int = 0,
        opened_days_ago: int = 60,
        blocked: bool = False,
        email: str | None = None,
    ) -> MadeContract:
        start = date.today() - timedelta(days=opened_days_ago)
        with app.app_context(), tenant_scope(tenant.id):
            contract, user, password = open_contract(
                tenant,
                NewContract(
                    number=number,
                    holder_name=f"Holder {number}",
                    holder_kind=holder_kind,
                    category=category,
                    products=tuple(products),
                    starts_on=start,
                    email=email,
                ),
                today=start,
            )
            personal = contract.account.ledger_account
            if balance > 0:
                ledger.transfer(f"test:topup:{number}", "payment", ledger.clearing_account("test"), personal, balance)
            elif balance < 0:
                ledger.transfer(f"test:debt:{number}", "charge", personal, ledger.revenue_account("internet"), -balance)
            if balance < 0:
                contract.negative_since = date.today()
            if blocked:
                contract.blocked_since = utcnow() - timedelta(days=1)
            session.commit()
            made = MadeContract(contract.id, contract.number, contract.account.id, user.id, user.login, password)
        return made

    return factory


def as_utc(day: date, hour: int = 12) -> datetime:
    """Noon (or ``hour``) UTC of ``day`` — a moment well inside that day in Yekaterinburg too."""
    from datetime import UTC

    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def contract_from(app):
    """``contract_from(tenant, number, starts_on, products=("inet100",), balance=0, **fields)`` opens a
    contract whose services start on ``starts_on`` (a fixed date, not "N days ago"), with ``balance``
    kopecks paid in. Returns a :class:`MadeContract`. (Charging and blocking tests.)"""
    from core.api import ledger, session, tenant_scope
    from plugins.isp.contracts.service import NewContract, open_contract

    def factory(tenant, number: str, starts_on: date, products=("inet100",), balance: int = 0, **fields):
        with app.app_context(), tenant_scope(tenant.id):
            contract, user, password = open_contract(
                tenant,
                NewContract(
                    number=number,
                    holder_name=f"Holder {number}",
                    products=tuple(products),
                    starts_on=starts_on,
                    **fields,
                ),
                today=starts_on,
            )
            if balance:
                personal = contract.account.ledger_account
                ledger.transfer(f"test:topup:{number}", "payment", ledger.clearing_account("test"), personal, balance)
            session.commit()
            return MadeContract(contract.id, contract.number, contract.account.id, user.id, user.login, password)

    return factory
