"""Who lives where: the buildings of a user's flats, and the news audience "residents of a building".

News and notices are filtered by building through core's ``news_audiences`` hook: the operator addresses an item
to one building's residents; a reader belongs when one of their personal accounts pays for a flat there.
"""

from __future__ import annotations

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.api import Audience, Tenant, User, accounts_of, session
from plugins.housing.models import AccountPremises, Building, Premises

AUDIENCE = "housing_building"


def buildings_of(user: User) -> frozenset[int]:
    """The buildings of the flats ``user``'s personal accounts pay for (remembered for the request)."""
    cache = g.setdefault("housing_buildings_of", {}) if has_request_context() else {}
    if user.id not in cache:
        accounts = [account.id for account in accounts_of(user)]
        cache[user.id] = (
            frozenset(
                session.scalars(
                    select(Premises.building_id)
                    .join(AccountPremises, AccountPremises.premises_id == Premises.id)
                    .where(AccountPremises.personal_account_id.in_(accounts))
                )
            )
            if accounts
            else frozenset()
        )
    return cache[user.id]


def news_audiences(tenant: Tenant) -> list[Audience]:
    """One audience: the residents of a chosen building."""
    buildings = session.scalars(select(Building).order_by(Building.address))
    return [
        Audience(
            AUDIENCE,
            str(_l("Residents of a building")),
            [(str(building.id), building.address) for building in buildings],
            lambda user, value: value.isdigit() and int(value) in buildings_of(user),
        )
    ]
