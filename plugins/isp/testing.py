"""The isp plugin's objects for the shipped route suites (the ``populate_test_world`` hook; tests only)."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.api import session
from plugins.isp.contracts.service import subscribe
from plugins.isp.models import Contract, Product


def populate(site: Any) -> dict[str, int]:
    """A catalogue product and a contract with it on the site's account: ``product_id``, ``contract_id``."""
    account = site.account
    product = Product(code="world-inet", kind="internet", title="World 100", monthly_fee=50_000, speed_mbps=100)
    session.add(product)
    contract = Contract(number=account.number, account=account, category="cable", signed_on=date(2026, 1, 1))
    session.add(contract)
    session.flush()
    subscribe(contract, product, date(2026, 1, 1))
    session.flush()
    return {"product_id": product.id, "contract_id": contract.id}
