"""A tenant with valid legal and bank details, and helpers that post to the ledger."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

LEGAL = {
    "full_name": "Общество с ограниченной ответственностью «УралСеть Телеком»",
    "short_name": "ООО «УралСеть Телеком»",
    "inn": "7707083893",
    "kpp": "773601001",
    "ogrn": "1027700132195",
    "address": "620014, г. Екатеринбург, ул. Малышева, д. 1, оф. 12",
}
BANK = {
    "bank_name": "ПАО Сбербанк",
    "bic": "044525225",
    "account": "40702810938000000001",
    "corr_account": "30101810400000000225",
}
HOLDER = "Иванов Иван Иванович"
ADDRESS = "620014, г. Екатеринбург, ул. Ленина, д. 5, кв. 17"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def tenant(make_tenant):
    return make_tenant("uralnet", name="УралСеть Телеком", legal=dict(LEGAL), bank=dict(BANK))


@pytest.fixture
def scope(app):
    """``with scope(tenant):`` — an app context in the tenant's scope."""
    from contextlib import contextmanager

    from core.db import tenant_scope

    @contextmanager
    def enter(tenant):
        with app.app_context(), tenant_scope(tenant.id):
            yield

    return enter


class Books:
    """Posts charges and payments on one personal account the way billing and payments do."""

    def __init__(self, account) -> None:
        self.account = account
        self.count = 0

    def _key(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}:{self.account.number}:{self.count}"

    def charge(self, amount: int, when: datetime, service: str = "internet", period: str | None = None):
        from core.ledger import service as ledger

        return ledger.transfer(
            self._key("charge"),
            "charge",
            self.account.ledger_account,
            ledger.revenue_account(service),
            amount,
            service=service,
            period=period or f"{when:%Y-%m}",
            occurred_at=when,
        )

    def pay(self, amount: int, when: datetime, channel: str = "sberbank"):
        from core.ledger import service as ledger

        return ledger.transfer(
            self._key("payment"),
            "payment",
            ledger.clearing_account(channel),
            self.account.ledger_account,
            amount,
            occurred_at=when,
        )


@pytest.fixture
def books():
    """``books(number)`` opens a personal account (inside a tenant scope) and returns its :class:`Books`."""
    from core.accounts.service import open_account

    def make(number: str = "100200", holder_name: str = HOLDER, address: str = ADDRESS, **fields) -> Books:
        return Books(open_account(number, holder_name=holder_name, address=address, **fields))

    return make
