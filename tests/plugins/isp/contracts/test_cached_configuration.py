"""The subscriber pages keep the category titles, the service titles and whether one-time services are offered
per worker process; an operator's change made in another worker shows at the subscriber's next page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.app import create_app
from core.db import session, tenant_scope
from core.testing.fixtures import tenant_path
from plugins.isp.models import OneTimeService, Product, SubscriberCategory
from tests.web.test_statement_counts import add_rows, cabinet  # noqa: F401 (the provider's site and its subscriber)


@pytest.fixture
def other_worker(app_config):
    worker = create_app(app_config)
    yield worker
    worker.extensions["abonent.db"].dispose()


def test_a_renamed_category_and_a_new_one_time_service_show_at_the_next_page(app, cabinet, login, other_worker):  # noqa: F811
    tenant, user = cabinet
    add_rows(app, tenant, user, 0, 2)  # a charge for each service
    client = login(tenant, user)
    assert "Home 100" in client.get(tenant_path(tenant, "/money/history")).get_data(as_text=True)
    page = client.get(tenant_path(tenant, "/isp/")).get_data(as_text=True)
    assert "Order a service" not in page and "Заказать услугу" not in page
    client.get(tenant_path(tenant, "/isp/"))  # the worker's caches are warm

    with other_worker.app_context(), tenant_scope(tenant.id):
        session.scalar(select(SubscriberCategory).where(SubscriberCategory.code == "cable")).title = "Частный дом"
        session.add(OneTimeService(code="setup", title="Настройка роутера", price=50_000))
        session.scalar(select(Product).where(Product.code == "inet100")).title = "Дом 200"
        session.commit()

    assert "Дом 200" in client.get(tenant_path(tenant, "/money/history")).get_data(as_text=True)

    page = client.get(tenant_path(tenant, "/isp/")).get_data(as_text=True)
    assert "Частный дом" in page
    assert "Order a service" in page or "Заказать услугу" in page
