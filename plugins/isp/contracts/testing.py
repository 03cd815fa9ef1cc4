"""The isp plugin's objects for the shipped route suites (the ``populate_test_world`` hook; tests only)."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.api import session
from plugins.isp.contracts.service import subscribe
from plugins.isp.models import Contract, OneTimeService, Product, SubscriberCategory


def populate(site: Any) -> dict[str, int]:
    """A catalogue product and a contract with it on the site's account: ``product_id``, ``contract_id``.

    The account is a legal entity's, so the invoice of last month (``period``, ``kind``) exists to walk.
    """
    account = site.account
    account.holder_kind = "legal"
    today = date.today()
    last_month = date(today.year - 1, 12, 1) if today.month == 1 else date(today.year, today.month - 1, 1)
    site.values.update(period=f"{last_month:%Y-%m}", kind="invoice")
    product = Product(code="world-inet", kind="internet", title="World 100", monthly_fee=50_000, speed_mbps=100)
    session.add(product)
    contract = Contract(number=account.number, account=account, category="cable", signed_on=date(2026, 1, 1))
    session.add(contract)
    session.flush()
    subscribe(contract, product, date(2026, 1, 1))
    onetime = OneTimeService(code="world-cctv", title="CCTV installation", price=150_000)
    category = SubscriberCategory(code="world", title="World category", login_tab=False)
    session.add_all([onetime, category])
    session.flush()
    return {
        "product_id": product.id,
        "contract_id": contract.id,
        "service_id": onetime.id,
        "category_id": category.id,
    }
