"""A management company for the housing tests: two buildings, three flats with residents, an operator.

The ``housing_world`` fixture (made known by this folder's ``conftest.py``): ``housing_world(slug, locale)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from core.api import grant_access, open_account, session, tenant_scope
from core.identity.models import User
from plugins.housing.models import AccountPremises, Building, Meter, Premises


@dataclass
class World:
    tenant: Any
    operator: Any
    residents: dict[str, Any]  # by account number: 1000120 (L5 flat 12), 1000130 (L5 flat 13), 1000701 (M7 flat 1)
    buildings: dict[str, int]
    flats: dict[str, int]  # "L5/12" → id
    meters: dict[str, int] = field(default_factory=dict)  # serial → id


@pytest.fixture
def housing_world(app, make_tenant, make_user, enable_plugin):
    def make(slug: str, locale: str = "ru") -> World:
        tenant = make_tenant(slug, login_identifier="contract", locale=locale)
        enable_plugin(tenant, "housing")
        operator = make_user(tenant, "operator", roles=("operator",))
        residents = {number: make_user(tenant, number) for number in ("1000120", "1000130", "1000701")}
        with app.app_context(), tenant_scope(tenant.id):
            l5 = Building(code="L5", address="ул. Ленина, 5", total_area=Decimal(6000))
            m7 = Building(code="M7", address="ул. Мира, 7", total_area=Decimal(3200))
            session.add_all([l5, m7])
            session.flush()
            flats = {
                "L5/12": Premises(building_id=l5.id, number="12", area=Decimal("54.3"), residents=3),
                "L5/13": Premises(building_id=l5.id, number="13", area=Decimal(41), residents=1),
                "M7/1": Premises(building_id=m7.id, number="1", area=Decimal(60), residents=2),
            }
            session.add_all(flats.values())
            session.flush()
            for number, flat in zip(residents, flats.values(), strict=True):
                account = open_account(number, holder_name=f"Жилец {number}")
                session.flush()
                grant_access(session.get(User, residents[number].id), account)
                session.add(AccountPremises(personal_account_id=account.id, premises_id=flat.id))
            meter = Meter(
                premises_id=flats["L5/12"].id, kind="cold_water", serial="XB-1", digits=5, initial_values=["100"]
            )
            session.add(meter)
            session.commit()
            return World(
                tenant,
                operator,
                residents,
                {"L5": l5.id, "M7": m7.id},
                {key: flat.id for key, flat in flats.items()},
                {"XB-1": meter.id},
            )

    return make
