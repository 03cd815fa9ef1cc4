"""Helpers of the batch tests: a tenant with registered organizations whose batch operators are logged in, and
ways to make batches and specifications quickly (through the services; the pages are tested on their own)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from core.api import Organization, User, session, tenant_scope
from core.testing.fixtures import tenant_path
from plugins.dmdk.batches import service, transfers
from plugins.dmdk.batches.models import Batch, Specification
from plugins.dmdk.employees.roles import BATCHES
from plugins.dmdk.employees.service import join, set_roles
from plugins.dmdk.models import OrganizationProfile

NORTH = {"inn": "7730802306", "ogrn": "1237702531571", "name": "АО «Северное сияние»"}
NEVA = {"inn": "7854645335", "ogrn": "1237855348631", "name": "ООО «Невский ювелир»"}
GOLD_RING = {"kind": "product", "name": "Кольцо", "metal": "gold", "fineness": "585", "weight": "3,25", "count": "1"}


@dataclass
class Member:
    """A registered organization and one user of it (holding ``roles`` there), logged in as ``client``."""

    tenant: Any
    id: int
    name: str
    inn: str
    user: Any
    client: Any

    def url(self, path: str = "") -> str:
        return tenant_path(self.tenant, f"/dmdk/organizations/{self.id}{path}")

    def api(self, path: str = "") -> str:
        return tenant_path(self.tenant, f"/api/v1/dmdk/organizations/{self.id}{path}")


def register_organization(app, tenant, details: dict) -> int:
    """A registered organization of ``tenant`` (as the wizard leaves it): its id."""
    with app.app_context(), tenant_scope(tenant.id):
        organization = Organization(name=details["name"])
        session.add(organization)
        session.flush()
        session.add(
            OrganizationProfile(
                organization_id=organization.id,
                kind="legal",
                inn=details["inn"],
                ogrn=details["ogrn"],
                kpp="773601001",
                full_name=details["name"],
                data={"record": {"legal_address": "г. Москва"}},
            )
        )
        session.commit()
        return organization.id


def add_member(app, tenant, make_user, login, organization_id: int, name: str, roles=(BATCHES,)):
    """A user of ``organization_id`` holding ``roles`` there: ``(user, logged-in client)``."""
    user = make_user(tenant, f"{name}@{tenant.slug}.example", full_name=name.capitalize(), roles=())
    with app.app_context(), tenant_scope(tenant.id):
        employee = session.get(User, user.id)
        join(employee, organization_id)
        set_roles(employee, employee, organization_id, set(roles))
        session.commit()
    return user, login(tenant, user)


@pytest.fixture
def market(app, make_tenant, make_user, enable_plugin, login):
    """``market(slug, locale="en")``: a dmdk tenant where АО «Северное сияние» and ООО «Невский ювелир» are
    registered, each with a batch operator logged in: ``(tenant, north, neva)`` as :class:`Member`."""

    def build(slug: str, locale: str = "en"):
        tenant = make_tenant(slug, locale=locale)
        enable_plugin(tenant, "dmdk")
        members = []
        for details, operator in ((NORTH, "north-op"), (NEVA, "neva-op")):
            organization_id = register_organization(app, tenant, details)
            user, client = add_member(app, tenant, make_user, login, organization_id, operator)
            members.append(Member(tenant, organization_id, details["name"], details["inn"], user, client))
        return tenant, *members

    return build


def make_batch(app, member: Member, register: bool = True, **fields: Any) -> int:
    """A batch of ``member``'s organization (registered unless told): its id."""
    data = {"kind": "product", "name": "Кольцо", "metal": "gold", "fineness": 5850, "weight_mg": 3250, "count": 1}
    data.update(fields)
    with app.app_context(), tenant_scope(member.tenant.id):
        batch = service.create(None, member.id, service.BatchInput(**data), register=register)
        session.commit()
        return batch.id


def make_specification(app, sender: Member, receiver: Member, batch_ids, send: bool = False) -> int:
    """A specification of ``sender``'s batches for ``receiver`` (a draft, or sent): its id."""
    with app.app_context(), tenant_scope(sender.tenant.id):
        actor = session.get(User, sender.user.id)
        spec = transfers.create(actor, sender.id, receiver.inn, batch_ids)
        if send:
            transfers.send(actor, spec, sender.id)
        session.commit()
        return spec.id


def batch_row(app, tenant, batch_id: int) -> dict:
    """The stored batch's owner, status and specification."""
    with app.app_context(), tenant_scope(tenant.id):
        batch = session.get(Batch, batch_id)
        return {
            "organization_id": batch.organization_id,
            "status": batch.status,
            "specification_id": batch.specification_id,
            "uin": batch.uin,
        }


def spec_status(app, tenant, spec_id: int) -> str:
    with app.app_context(), tenant_scope(tenant.id):
        return session.scalar(select(Specification.status).where(Specification.id == spec_id))


def batch_count(app, tenant) -> int:
    with app.app_context(), tenant_scope(tenant.id):
        return len(list(session.scalars(select(Batch.id))))
